"""A per-address request rate limit on the public pages that need no sign-in (survey
answers, unsubscribe): each address may load them PUBLIC_RATE_LIMIT times, then gets 429.

Counted in Redis through the cache (django-ratelimit). With Redis unreachable the limit is
not counted and the page answers (logged): a customer's answer matters more than the cap.
"""

import logging
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from tenants.client_ip import client_ip_key

logger = logging.getLogger(__name__)


def period_seconds(rate: str) -> int:
    """How long one window of a django-ratelimit rate lasts: `20/m` -> 60, `5/10s` -> 10."""
    number, unit = rate.split("/")[1][:-1] or "1", rate[-1]
    return int(number) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


def _rate(group, request) -> str:
    return settings.PUBLIC_RATE_LIMIT


def public_rate_limited(view):
    """Wraps a public view: past PUBLIC_RATE_LIMIT requests from one address, answer 429."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        if _over_limit(request):
            response = render(request, "public_rate_limited.html", status=429)
            response["Retry-After"] = str(period_seconds(settings.PUBLIC_RATE_LIMIT))
            return response
        return view(request, *args, **kwargs)

    return limited


def _over_limit(request) -> bool:
    try:
        return is_ratelimited(
            request, group="public", key=client_ip_key, rate=_rate, method=ALL, increment=True
        )
    except RedisError:
        logger.error("Public page rate limit not counted: Redis is unreachable", exc_info=True)
        return False
