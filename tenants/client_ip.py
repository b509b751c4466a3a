"""The client's address, read correctly behind the configured number of trusted proxies.

Sign-in lock-outs and rate limits count per address, so an address a client can forge in a
header would let anyone dodge them or lock out others. With TRUSTED_PROXY_COUNT = 0 (the
default) only the socket's address counts; with N, the proxies in front of the site each
append the address they saw to X-Forwarded-For, so the client is the N-th entry from the right:
entries further left were written by the client and are ignored.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # The request did not pass through every proxy: only the socket can be trusted.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_ip_key(group, request) -> str:
    """django-ratelimit key: the same address the lock-out counts."""
    return client_ip(request) or "unknown"
