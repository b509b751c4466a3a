"""A per-address request rate limit on the sign-in forms (the site's and the admin's).

django-axes locks a (username, address) pair after repeated failures; this limit also caps
how many sign-in attempts one address may send at all, whatever the names, in Redis through
the cache (django-ratelimit).

With Redis unreachable the limit is not counted and sign-in goes on (logged): people can
still sign in during an outage, and django-axes, which counts failures in the database,
still locks out a (username, address) pair that keeps failing.
"""

import logging
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from tenants.client_ip import client_ip_key
from tenants.public_rate import period_seconds

logger = logging.getLogger(__name__)


def _rate(group, request) -> str:
    # Read on each request, so a changed setting applies without re-importing the URLs.
    return settings.LOGIN_RATE_LIMIT


def login_rate_limited(view):
    """Wraps a sign-in view: past LOGIN_RATE_LIMIT POSTs from one address, answer 429."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST" and _over_limit(request):
            response = render(request, "registration/rate_limited.html", status=429)
            # The window is at most one period long; `20/m` -> 60 s.
            response["Retry-After"] = str(period_seconds(settings.LOGIN_RATE_LIMIT))
            return response
        return view(request, *args, **kwargs)

    return limited


def _over_limit(request) -> bool:
    try:
        return is_ratelimited(
            request, group="login", key=client_ip_key, rate=_rate, method="POST", increment=True
        )
    except RedisError:
        logger.error("Sign-in rate limit not counted: Redis is unreachable", exc_info=True)
        return False
