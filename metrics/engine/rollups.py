"""Build the per-day rollups of a run of local days from that run's events, in SQL.

One statement reads a run's events twice and replaces the run's account-days: once per
contact of the tenant, already in time order from the (contact, timestamp) index, for sessions
and active contacts; once grouped by event name for the counts (through the (tenant,
timestamp) index for a night, sequentially for a backfill). A second
statement brings each account's first day per event name up to date from the account-days.

Sessions are a contact's events with gaps of at most 30 minutes, cut at local midnight, so a
session's length is the sum of the gaps of at most 30 minutes inside it. A gap counts for the
account of the event that ends it, and a contact is listed that day under the account of its
first event of the day: each active contact is listed once per day.

A long run can be cut into chunks of about equal numbers of events (`chunks_balanced`), which
separate connections build at once.
"""

from datetime import date, datetime, timedelta

from django.db import connection

from accounts.models import Contact
from metrics.engine.calendar import days_between, local_midnight
from metrics.models import AccountDay, AccountEventFirst, UsageEvent
from tenants.db.session import database_owner
from tenants.models import Tenant

SESSION_GAP = timedelta(minutes=30)
# Sorting and grouping a year of a large tenant's events in memory rather than on disk.
WORK_MEM = "256MB"

_DELETE_SQL = f"""
DELETE FROM {AccountDay._meta.db_table}
WHERE tenant_id = %(tenant)s AND day BETWEEN %(first)s AND %(last)s
"""  # noqa: S608

_EVENTS = f"""
    FROM {UsageEvent._meta.db_table}
    WHERE tenant_id = %(tenant)s AND timestamp >= %(lo)s AND timestamp < %(hi)s
"""  # noqa: S608

# json_object_agg, cast once per account-day, costs a fraction of jsonb_object_agg, which
# rebuilds its object for every name added.
_BUILD_SQL = f"""
WITH people AS (
    SELECT day, account_id, array_agg(contact_id) FILTER (WHERE starts_day) AS contacts,
           round(COALESCE(extract(epoch FROM
               sum(gap) FILTER (WHERE gap <= %(gap)s AND NOT starts_day)), 0))::bigint
               AS seconds
    FROM (
        SELECT contact_id, account_id, day, gap, previous_day IS DISTINCT FROM day AS starts_day
        FROM (
            SELECT c.id AS contact_id, e.account_id, (e.timestamp AT TIME ZONE %(tz)s)::date AS day,
                   e.timestamp - lag(e.timestamp) OVER by_contact AS gap,
                   (lag(e.timestamp) OVER by_contact AT TIME ZONE %(tz)s)::date AS previous_day
            FROM {Contact._meta.db_table} c
            JOIN {UsageEvent._meta.db_table} e ON e.contact_id = c.id AND e.tenant_id = c.tenant_id
            WHERE c.tenant_id = %(tenant)s AND e.timestamp >= %(lo)s AND e.timestamp < %(hi)s
            WINDOW by_contact AS (PARTITION BY c.id ORDER BY e.timestamp)
        ) AS ordered
    ) AS gaps
    GROUP BY day, account_id
), usage AS (
    SELECT day, account_id, sum(n)::bigint AS events, json_object_agg(event, n)::jsonb AS counts
    FROM (
        SELECT (timestamp AT TIME ZONE %(tz)s)::date AS day, account_id, event, count(*) AS n
        {_EVENTS} AND account_id IS NOT NULL
        GROUP BY 1, 2, 3
    ) AS named
    GROUP BY day, account_id
)
INSERT INTO {AccountDay._meta.db_table}
    (tenant_id, day, account_id, events, event_counts, contacts, session_seconds)
SELECT %(tenant)s, day, account_id, COALESCE(u.events, 0), COALESCE(u.counts, '{{}}'),
       COALESCE(p.contacts, '{{}}'), COALESCE(p.seconds, 0)
FROM usage u FULL JOIN people p USING (day, account_id)
"""  # noqa: S608

# First days of each account's event names, from the account-days just built.
_FIRSTS_SQL = f"""
INSERT INTO {AccountEventFirst._meta.db_table} (tenant_id, account_id, event, first_day)
SELECT %(tenant)s, account_id, name, min(day)
FROM {AccountDay._meta.db_table}, jsonb_object_keys(event_counts) AS name
WHERE tenant_id = %(tenant)s AND day BETWEEN %(first)s AND %(last)s AND account_id IS NOT NULL
  AND account_id %% %(parts)s = %(part)s
GROUP BY account_id, name
ON CONFLICT (tenant_id, account_id, event)
DO UPDATE SET first_day = EXCLUDED.first_day
WHERE EXCLUDED.first_day < {AccountEventFirst._meta.db_table}.first_day
"""  # noqa: S608

# Local days whose events arrived (or were attributed) after the days were computed.
_LATE_DAYS_SQL = f"""
SELECT DISTINCT (timestamp AT TIME ZONE %(tz)s)::date
FROM {UsageEvent._meta.db_table}
WHERE tenant_id = %(tenant)s AND received_at >= %(since)s
"""  # noqa: S608

# About a thousand pages of the events table (all of a small one): enough to weigh the days
# of a long run, read in milliseconds. A fixed seed keeps the cut of the same data the same.
SAMPLE_PAGES = 1000
# The table's size on disk, not pg_class.relpages: that one is an estimate, 0 before the
# first ANALYZE and stale after a bulk load. The events table is partitioned (its own size is
# 0): the sum of its partitions' (pg_partition_tree lists none for a plain table).
_PAGES_SQL = """
SELECT COALESCE(
    (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree(%(table)s::regclass)
     WHERE isleaf),
    pg_relation_size(%(table)s::regclass)
)::bigint / current_setting('block_size')::int
"""
_SAMPLE_SQL = f"""
SELECT (timestamp AT TIME ZONE %(tz)s)::date, count(*)
FROM {UsageEvent._meta.db_table} TABLESAMPLE SYSTEM (%(percent)s) REPEATABLE (0)
WHERE tenant_id = %(tenant)s AND timestamp >= %(lo)s AND timestamp < %(hi)s
GROUP BY 1
"""  # noqa: S608


def _params(tenant: Tenant, first: date, last: date) -> dict:
    return {
        "tenant": tenant.pk,
        "tz": tenant.time_zone,
        "first": first,
        "last": last,
        "lo": local_midnight(first, tenant.time_zone),
        "hi": local_midnight(last + timedelta(days=1), tenant.time_zone),
        "gap": SESSION_GAP,
    }


def _settings(cursor) -> None:
    """The transaction's memory for a year of a large tenant's groupings."""
    cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    # The per-account-day groupings hold up to a year's account-days: let them stay in
    # memory rather than spill to disk in batches.
    cursor.execute("SET LOCAL hash_mem_multiplier = 4")
    # Compiling these statements costs more than it saves, for a day or a year.
    cursor.execute("SET LOCAL jit = off")


def rollups_build(*, tenant: Tenant, first: date, last: date) -> None:
    """Replace the account-days of the local days `first` to `last` (inside a transaction).

    `event_firsts_update` must follow for the same days."""
    with connection.cursor() as cursor:
        _settings(cursor)
        params = _params(tenant, first, last)
        cursor.execute(_DELETE_SQL, params)
        cursor.execute(_BUILD_SQL, params)


def event_firsts_update(
    *, tenant: Tenant, first: date, last: date, part: int = 0, parts: int = 1
) -> None:
    """Bring the first days of each account's event names up to date from the account-days
    of `first` to `last`: of every account, or of the accounts whose id modulo `parts` is
    `part` (parts never share a row, so connections can update them at once)."""
    with connection.cursor() as cursor:
        _settings(cursor)
        cursor.execute(_FIRSTS_SQL, {**_params(tenant, first, last), "part": part, "parts": parts})


def rollups_analyze() -> None:
    """Refresh the planner's statistics of the account-days (outside a transaction).

    As the owner of the table: PostgreSQL skips ANALYZE for anyone else, with a warning."""
    with database_owner(), connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {AccountDay._meta.db_table}")


def chunks_balanced(
    *, tenant: Tenant, first: date, last: date, chunks: int
) -> list[tuple[date, date]]:
    """Cut `first`..`last` into at most `chunks` runs of days with about as many events each
    (as a sample of the events says), oldest first."""
    days = days_between(first, last)
    if chunks < 2 or len(days) < 2:
        return [(first, last)]
    with connection.cursor() as cursor:
        cursor.execute(_PAGES_SQL, {"table": UsageEvent._meta.db_table})
        pages = cursor.fetchone()[0]
        percent = 100.0 if pages <= SAMPLE_PAGES else 100.0 * SAMPLE_PAGES / pages
        cursor.execute(_SAMPLE_SQL, {**_params(tenant, first, last), "percent": percent})
        weights = dict(cursor.fetchall())
    # A day the sample missed still weighs something, so a run with no sample cuts evenly.
    total = sum(weights.values()) + len(days)
    result, start, seen = [], first, 0
    for day in days[:-1]:
        seen += weights.get(day, 0) + 1
        if seen * chunks >= total * (len(result) + 1) and len(result) < chunks - 1:
            result.append((start, day))
            start = day + timedelta(days=1)
    result.append((start, last))
    return result


def days_received_since(*, tenant: Tenant, since: datetime) -> set[date]:
    """Local days of the events received at or after `since` (late arrivals included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _LATE_DAYS_SQL, {"tenant": tenant.pk, "tz": tenant.time_zone, "since": since}
        )
        return {day for (day,) in cursor.fetchall()}
