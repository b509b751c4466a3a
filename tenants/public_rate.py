"""Per-address request rate limits, counted in Redis through the cache (django-ratelimit):
`address_rate_limited` builds the decorator; the public pages that need no sign-in (survey
answers, unsubscribe) use `public_rate_limited`, each address loading them at most
PUBLIC_RATE_LIMIT times before it gets 429.

With Redis unreachable the limit is not counted and the page answers (logged): a customer's
answer matters more than the cap.
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


def address_rate_limited(*, group: str, setting: str, template: str, method, label: str):
    """A decorator: past the rate in settings.`setting` (read on each request, so a changed
    setting applies without re-importing the URLs) of `method` requests from one address,
    the view answers `template` with 429 and Retry-After (the window is at most one period
    long: `20/m` -> 60 s)."""

    def rate(group, request) -> str:
        return getattr(settings, setting)

    def over_limit(request) -> bool:
        try:
            return is_ratelimited(
                request, group=group, key=client_ip_key, rate=rate, method=method, increment=True
            )
        except RedisError:
            logger.error("%s rate limit not counted: Redis is unreachable", label, exc_info=True)
            return False

    def decorate(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if over_limit(request):
                response = render(request, template, status=429)
                response["Retry-After"] = str(period_seconds(getattr(settings, setting)))
                return response
            return view(request, *args, **kwargs)

        return limited

    return decorate


public_rate_limited = address_rate_limited(
    group="public", setting="PUBLIC_RATE_LIMIT", template="public_rate_limited.html",
    method=ALL, label="Public page",
)  # fmt: skip

help_search_rate_limited = address_rate_limited(
    group="help-search", setting="HELP_SEARCH_RATE_LIMIT", template="public_rate_limited.html",
    method=ALL, label="Help center search",
)  # fmt: skip
