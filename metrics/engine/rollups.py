"""Build the per-day rollups of a run of local days from that run's events, in SQL.

One statement reads the run's events (through the (tenant, timestamp) index for a night,
sequentially for a backfill) and replaces the run's account-days; a second brings the first
day of each account's event names up to date from them. Sessions are split where a contact's
consecutive events are more than 30 minutes apart and cut at local midnight (the window is
partitioned by local day), so a session's length is the sum of the gaps of at most 30
minutes inside it. A contact counts for the account its events named that day (the highest
id, should they name several).
"""

from datetime import date, datetime, timedelta

from django.db import connection

from accounts.models import Tenant
from metrics.engine.calendar import local_midnight
from metrics.models import AccountDay, AccountEventFirst, UsageEvent

SESSION_GAP = timedelta(minutes=30)
# Sorting a year of a large tenant's events in memory rather than on disk.
WORK_MEM = "256MB"

_DELETE_SQL = f"""
DELETE FROM {AccountDay._meta.db_table}
WHERE tenant_id = %(tenant)s AND day BETWEEN %(first)s AND %(last)s
"""  # noqa: S608

# The day's events are read twice (sessions, and counts by name): cheaper than materializing
# them once, which writes and rereads every event row.
_EVENTS = f"""
    FROM {UsageEvent._meta.db_table}
    WHERE tenant_id = %(tenant)s AND timestamp >= %(lo)s AND timestamp < %(hi)s
"""  # noqa: S608

_BUILD_SQL = f"""
WITH people AS (
    SELECT day, account_id, array_agg(contact_id ORDER BY contact_id) AS contacts,
           round(sum(seconds))::bigint AS seconds
    FROM (
        SELECT day, contact_id, max(account_id) AS account_id,
               COALESCE(extract(epoch FROM sum(gap) FILTER (WHERE gap <= %(gap)s)), 0)
                   AS seconds
        FROM (
            SELECT contact_id, account_id, (timestamp AT TIME ZONE %(tz)s)::date AS day,
                   timestamp - lag(timestamp) OVER (
                       PARTITION BY contact_id, (timestamp AT TIME ZONE %(tz)s)::date
                       ORDER BY timestamp
                   ) AS gap
            {_EVENTS} AND contact_id IS NOT NULL
        ) AS gaps
        GROUP BY day, contact_id
    ) AS contact_days
    GROUP BY day, account_id
), usage AS (
    SELECT day, account_id, sum(n)::bigint AS events, jsonb_object_agg(event, n) AS counts
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


def rollups_build(*, tenant: Tenant, first: date, last: date) -> None:
    """Replace the rollups of the local days `first` to `last` (run inside a transaction)."""
    params = {
        "tenant": tenant.pk,
        "tz": tenant.time_zone,
        "first": first,
        "last": last,
        "lo": local_midnight(first, tenant.time_zone),
        "hi": local_midnight(last + timedelta(days=1), tenant.time_zone),
        "gap": SESSION_GAP,
    }
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        # The per-account-day grouping is a hash of up to a year's account-days: let it stay
        # in memory rather than spill to disk in batches.
        cursor.execute("SET LOCAL hash_mem_multiplier = 4")
        # Compiling this statement costs more than it saves, for a day or a year.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_DELETE_SQL, params)
        cursor.execute(_BUILD_SQL, params)
        cursor.execute(_FIRSTS_SQL, params)


def days_received_since(*, tenant: Tenant, since: datetime) -> set[date]:
    """Local days of the events received at or after `since` (late arrivals included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _LATE_DAYS_SQL, {"tenant": tenant.pk, "tz": tenant.time_zone, "since": since}
        )
        return {day for (day,) in cursor.fetchall()}
