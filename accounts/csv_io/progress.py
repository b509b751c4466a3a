"""How far an import job's current pass has got, kept in the cache (Redis).

Not in the database: the apply pass writes every row in one transaction, so nothing it
writes there, progress included, is visible to the page until it commits. Progress is a
nicety: with Redis unreachable the page shows the job's state without a bar, and the pass
goes on without reporting.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

TTL_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class Progress:
    phase: str  # "validating" or "applying"
    done: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)


def _key(tenant_id: int, job_id: int) -> str:
    return f"csv-import:{tenant_id}:{job_id}:progress"


def report(job, *, phase: str, done: int, total: int) -> None:
    try:
        cache.set(
            _key(job.tenant_id, job.pk),
            {"phase": phase, "done": done, "total": total},
            TTL_SECONDS,
        )
    except RedisError:
        logger.warning("Import job %s: progress not reported, Redis is unreachable", job.pk)


def read(job) -> Progress | None:
    """The progress of the job's current pass (not what the previous pass left behind)."""
    try:
        value = cache.get(_key(job.tenant_id, job.pk))
    except RedisError:
        logger.warning("Import job %s: progress not read, Redis is unreachable", job.pk)
        return None
    if not value or value["phase"] != job.status:
        return None
    return Progress(**value)
