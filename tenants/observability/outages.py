"""The last failure seen of each service the web processes need (the database, Redis), for
`/healthz` to say what was down, when and with what error, after it is back.

A failure is recorded in the process that saw it (the health check itself, or a request
answered 503 because the database could not be reached) and copied to the cache, so that
every web process reports what any of them saw: a database outage is in the cache at once
(Redis is up), a Redis outage once Redis is back and a process next answers `/healthz`.
What cannot be written now is kept in the process and written later; nothing here ever
raises, since it runs while a service is down.
"""

import contextlib
import logging
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

_CACHE_KEY = "outages:last"
_KEPT = 7 * 24 * 3600  # a week: enough to read after a weekend's outage

# check -> {"error": str, "at": datetime}; this process's own sightings
_seen: dict[str, dict] = {}


def outage_record(
    check: str, error: str, *, now: datetime | None = None, share: bool = True
) -> None:
    """`check` ("database", "redis") failed with `error` (an exception's class name); copied
    to the cache unless `share` is False (Redis is known to be down: an unreachable host
    would make each attempt wait for its timeout)."""
    _seen[check] = {"error": error, "at": now or timezone.now()}
    if share:
        _share()


def _share() -> dict[str, dict]:
    """This process's sightings merged with the cache's (the later one of each check wins),
    written back to the cache when it can be reached; the merged record."""
    merged = dict(_seen)
    with contextlib.suppress(Exception):  # Redis down: this process's record only
        shared = cache.get(_CACHE_KEY) or {}
        for check, failure in shared.items():
            if check not in merged or failure["at"] > merged[check]["at"]:
                merged[check] = failure
        if merged != shared:
            cache.set(_CACHE_KEY, merged, timeout=_KEPT)
    return merged


def outages_last(*, now: datetime | None = None, share: bool = True) -> dict[str, dict]:
    """{check: {"error", "at" (ISO 8601, UTC), "seconds_ago"}} of every check that failed
    within the last week, as any web process saw it (this process's only, without `share`)."""
    now = now or timezone.now()
    seen = _share() if share else dict(_seen)
    return {
        check: {
            "error": failure["error"],
            "at": failure["at"].isoformat().replace("+00:00", "Z"),
            "seconds_ago": max(0, int((now - failure["at"]).total_seconds())),
        }
        for check, failure in sorted(seen.items())
        if (now - failure["at"]).total_seconds() < _KEPT
    }
