"""The events table's monthly partitions, and how long the receipts of message ids are kept.

`metrics_usageevent` is partitioned by RANGE on `timestamp`, one partition per calendar
month in UTC (`metrics_usageevent_p202612` holds December 2026), plus a DEFAULT partition
that takes any event no monthly partition covers, so that no insert ever fails for want of
one. `event_partitions_ahead` creates the current month's and the next ones' partitions
(the hourly `events_storage_upkeep` task calls it, as the migration that partitioned the table
did);
`event_partitions_detach` detaches whole old months, which then remain as plain tables for
the operator to archive and drop (`manage.py events_partitions`, docs/operations.md).

Partitions are created and detached by the owner of the tables and the application role is
given no rights on them: it reads and writes the events through the parent table only,
where the row-level security policies apply (a partition's rows are not filtered by the
parent's policies when it is queried directly).

Deduplication: an event older than `EVENTS_MAX_AGE_DAYS` is refused at ingestion, and a
receipt is kept that long plus the day an event may be ahead of the clock (MAX_FUTURE) and
a margin for clocks of different servers (`receipts_keep`). A message sent again is either
recent enough for its receipt to still be there (reported as a duplicate) or refused.
"""

import logging
import re
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from metrics.ingestion.validation import MAX_FUTURE, max_age
from metrics.models import EventReceipt, UsageEvent
from tenants.db.rls import app_role
from tenants.db.session import database_owner
from tenants.tenancy.context import cross_tenant

logger = logging.getLogger(__name__)

PARENT = UsageEvent._meta.db_table
DEFAULT_PARTITION = f"{PARENT}_default"
# The current month and this many after it always have their partition.
MONTHS_AHEAD = 2
# Beyond the acceptance window and the clock skew allowed: servers' clocks that differ a
# little, and a nightly run that deletes receipts at any hour of the day.
RECEIPTS_MARGIN = timedelta(days=4)
_NAME = re.compile(rf"{PARENT}_p(\d{{4}})(\d{{2}})")
# Serialises the creation of partitions between processes (any fixed number of our own).
_LOCK_KEY = 0x6373_7061_7274


def receipts_keep() -> timedelta:
    """How long a receipt is kept after its message was received."""
    return max_age() + MAX_FUTURE + RECEIPTS_MARGIN


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{PARENT}_p{month:%Y%m}"


# Creating, attaching or detaching a partition locks the events table: behind a long read
# (a backfill) the wait would queue every insert after it. Give up instead, and try again
# at the next hourly upkeep (the partitions are made two months ahead).
# (Reset once done: inside a caller's transaction a SET LOCAL would outlive the savepoint.)
LOCK_TIMEOUT = "SET LOCAL lock_timeout = '2s'"
LOCK_TIMEOUT_RESET = "SET LOCAL lock_timeout = DEFAULT"


def _bound(month: date) -> str:
    # A literal made from a date, never from input: partition bounds cannot be parameters.
    return f"'{month:%Y-%m-%d} 00:00:00+00'"


def event_partitions() -> list[tuple[str, date | None]]:
    """(name, first day of its month; None for the default partition) of every partition
    attached to the events table, oldest month first, the default partition last."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [PARENT],
        )
        names = [name for (name,) in cursor.fetchall()]
    months = []
    for name in names:
        found = _NAME.fullmatch(name)
        months.append((name, date(int(found[1]), int(found[2]), 1) if found else None))
    return sorted(months, key=lambda item: (item[1] is None, item[1] or date.min, item[0]))


def event_partitions_ensure(*, first: date, last: date) -> list[str]:
    """Create the monthly partitions of the months from `first`'s to `last`'s that have none;
    return the names created. Idempotent, and safe to run from several processes at once.

    Events of such a month already stored in the default partition move to the new one."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = month_add(month, 1)
    created = []
    with database_owner(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        cursor.execute(LOCK_TIMEOUT)
        existing = {name for name, _ in event_partitions()}
        role = connection.ops.quote_name(app_role())
        for month in months:
            name = partition_name(month)
            if name in existing:
                continue
            low, high = _bound(month), _bound(month_add(month, 1))
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION}"  # noqa: S608
                f" WHERE timestamp >= {low} AND timestamp < {high})"
            )
            if not cursor.fetchone()[0]:
                cursor.execute(
                    f"CREATE TABLE {name} PARTITION OF {PARENT} FOR VALUES FROM ({low}) TO ({high})"
                )
            else:
                # PostgreSQL refuses a partition whose range rows of the default partition
                # fall in: they move to the new table first, which is then attached.
                cursor.execute(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS)")
                cursor.execute(
                    f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION}"  # noqa: S608
                    f" WHERE timestamp >= {low} AND timestamp < {high} RETURNING *)"
                    f" INSERT INTO {name} SELECT * FROM moved"
                )
                cursor.execute(
                    f"ALTER TABLE {PARENT} ATTACH PARTITION {name}"
                    f" FOR VALUES FROM ({low}) TO ({high})"
                )
            # Through the parent only, where the row-level security policies apply; and should
            # rights be granted on it, row-level security without a policy shows nothing.
            cursor.execute(f"REVOKE ALL ON {name} FROM {role}")
            cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            created.append(name)
        cursor.execute(LOCK_TIMEOUT_RESET)
    return created


def event_partitions_ahead(*, now: datetime | None = None, months: int = MONTHS_AHEAD) -> list[str]:
    """The partitions of the current month (UTC) and the `months` after it."""
    today = (now or timezone.now()).astimezone(UTC).date()
    return event_partitions_ensure(first=today, last=month_add(today.replace(day=1), months))


class DetachRefused(ValueError):
    """The months asked for may still receive events, or the input is not a month."""


def detach_limit(*, now: datetime | None = None) -> date:
    """The latest month before which partitions may be detached: the first month that may
    still receive events (the acceptance window reaches into it)."""
    oldest = (now or timezone.now()).astimezone(UTC) - max_age()
    return oldest.date().replace(day=1)


def event_partitions_detach(*, before: date, now: datetime | None = None) -> list[str]:
    """Detach the monthly partitions of the months before `before` (a first of a month);
    return their names. They stay as tables of their own, outside the events table.

    Raises DetachRefused when a month that may still receive events would go."""
    limit = detach_limit(now=now)
    if before.day != 1:
        raise DetachRefused("Give the first month to keep, as YYYY-MM.")
    if before > limit:
        raise DetachRefused(
            f"Events from {limit:%Y-%m} on may still arrive (events up to "
            f"{settings.EVENTS_MAX_AGE_DAYS} days old are accepted); detach only months "
            f"before {limit:%Y-%m} at the latest."
        )
    detached = []
    role = connection.ops.quote_name(app_role())
    with database_owner(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        cursor.execute(LOCK_TIMEOUT)
        for name, month in event_partitions():
            if month is not None and month < before:
                cursor.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {name}")
                # A table of its own now, which `migrate` would grant the application role
                # rights on: its row-level security (no policy) keeps every row from it.
                cursor.execute(f"REVOKE ALL ON {name} FROM {role}")
                cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
                detached.append(name)
        cursor.execute(LOCK_TIMEOUT_RESET)
    return detached


def receipts_expire(*, now: datetime | None = None) -> int:
    """Delete, in every tenant, the receipts older than `receipts_keep()`; return how many.

    An event as old as the receipts deleted is refused at ingestion by then, so no message
    whose receipt goes can be stored again."""
    cutoff = (now or timezone.now()) - receipts_keep()
    with cross_tenant():  # the retention is the same for every tenant
        deleted, _ = EventReceipt.objects.unscoped().filter(received_at__lt=cutoff).delete()
    return deleted


def lock_timed_out(error: OperationalError) -> bool:
    """Whether `error` is LOCK_TIMEOUT's: the events table was busy."""
    return getattr(error.__cause__, "pgcode", None) == "55P03"  # lock_not_available


def events_storage_maintain(*, now: datetime | None = None) -> tuple[list[str], int]:
    """The hourly upkeep: partitions ahead, old receipts deleted. A partition that could
    not take its lock in time is left to the next hour's upkeep (logged)."""
    try:
        created = event_partitions_ahead(now=now)
    except OperationalError as error:
        if not lock_timed_out(error):
            raise
        logger.warning("Events partitions ahead not created: the table is busy; next hour.")
        created = []
    return created, receipts_expire(now=now)
