"""API request throttling: a sliding-window count per API key (or signed-in user, or address)
kept in Redis with atomic increments, so concurrent requests cannot slip past the limit.

The count of the current window plus the previous window's, weighted by how much of it still
overlaps the last `duration` seconds, must stay within the rate. A request that is refused
still counts, so a client that keeps hammering stays refused. When Redis cannot be reached
the throttle lets requests through (and logs it): ingestion must not stop with the cache.
"""

import logging
import math
import time

from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from tenants.client_ip import client_ip
from tenants.models import TenantAPIKey

logger = logging.getLogger(__name__)


def _counts(current: str, previous: str, *, timeout: int) -> tuple[int, int]:
    """(the current window's count with this request, the previous window's count), in one
    round trip to Redis: every API request pays for this, and the cache's own add, incr and
    get would be four. MULTI/EXEC, so the count cannot lose its expiry between the two
    writes. Through the cache's client (its connection pool, timeouts and key prefix); the
    counts are plain integers, as the cache stores them."""
    current = cache.make_and_validate_key(current)
    previous = cache.make_and_validate_key(previous)
    client = cache._cache.get_client(current, write=True)  # Django's RedisCache client
    with client.pipeline(transaction=True) as pipeline:
        pipeline.set(current, 0, ex=timeout, nx=True)
        pipeline.incr(current)
        pipeline.get(previous)
        _, count, before = pipeline.execute()
    return count, int(before or 0)


class TenantKeyRateThrottle(SimpleRateThrottle):
    scope = "tenant_key"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, TenantAPIKey):
            ident = f"key:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_ident(self, request):
        # The address the sign-in lock-out counts too: X-Forwarded-For only as far as the
        # configured proxies wrote it (DRF's own reading trusts what the client sends).
        return client_ip(request) or "unknown"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        window, into = divmod(now, self.duration)
        current, previous = f"{key}:{int(window)}", f"{key}:{int(window) - 1}"
        try:
            count, before = _counts(current, previous, timeout=2 * self.duration)
        except RedisError:  # Redis down: let the request through rather than fail it
            logger.warning("API throttle skipped: the cache is unreachable", exc_info=True)
            return True
        estimate = before * (1 - into / self.duration) + count
        if estimate <= self.num_requests:
            return True
        # Until the previous window's weight has fallen enough, or the next window begins.
        self._wait = (
            self.duration - into
            if not before
            else min(
                self.duration - into,
                max(1.0, (estimate - self.num_requests) / before * self.duration),
            )
        )
        return False

    def wait(self):
        return math.ceil(getattr(self, "_wait", self.duration))
