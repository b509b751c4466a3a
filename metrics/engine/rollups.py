"""Build the per-day rollups of a run of local days from that run's events, in SQL.

One statement reads the days' events once (through the (tenant, timestamp) index) and
replaces both rollups: contact-days with their session time, and account x event-name
counts. Sessions are split where a contact's consecutive events are more than 30 minutes
apart and cut at local midnight (the window is partitioned by local day), so a session's
length is the sum of the gaps of at most 30 minutes inside it.
"""

from datetime import date, datetime, timedelta

from django.db import connection

from accounts.models import Tenant
from metrics.engine.calendar import local_midnight
from metrics.models import AccountEventDay, ContactDay, UsageEvent

SESSION_GAP = timedelta(minutes=30)

_DELETE_SQL = f"""
WITH gone AS (
    DELETE FROM {ContactDay._meta.db_table}
    WHERE tenant_id = %(tenant)s AND day BETWEEN %(first)s AND %(last)s
)
DELETE FROM {AccountEventDay._meta.db_table}
WHERE tenant_id = %(tenant)s AND day BETWEEN %(first)s AND %(last)s
"""  # noqa: S608

_BUILD_SQL = f"""
WITH events AS MATERIALIZED (
    SELECT contact_id, account_id, event, timestamp,
           (timestamp AT TIME ZONE %(tz)s)::date AS day
    FROM {UsageEvent._meta.db_table}
    WHERE tenant_id = %(tenant)s AND timestamp >= %(lo)s AND timestamp < %(hi)s
), gaps AS (
    SELECT day, contact_id, account_id, timestamp,
           timestamp - lag(timestamp) OVER (PARTITION BY day, contact_id ORDER BY timestamp)
               AS gap
    FROM events
    WHERE contact_id IS NOT NULL
), contact_days AS (
    INSERT INTO {ContactDay._meta.db_table}
        (tenant_id, day, contact_id, account_id, events, session_seconds)
    SELECT %(tenant)s, day, contact_id,
           (array_agg(account_id ORDER BY timestamp DESC)
               FILTER (WHERE account_id IS NOT NULL))[1],
           count(*),
           COALESCE(round(extract(epoch FROM sum(gap) FILTER (WHERE gap <= %(gap)s))), 0)
    FROM gaps
    GROUP BY day, contact_id
)
INSERT INTO {AccountEventDay._meta.db_table} (tenant_id, day, account_id, event, events)
SELECT %(tenant)s, day, account_id, event, count(*)
FROM events
WHERE account_id IS NOT NULL
GROUP BY day, account_id, event
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
        cursor.execute(_DELETE_SQL, params)
        cursor.execute(_BUILD_SQL, params)


def days_received_since(*, tenant: Tenant, since: datetime) -> set[date]:
    """Local days of the events received at or after `since` (late arrivals included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _LATE_DAYS_SQL, {"tenant": tenant.pk, "tz": tenant.time_zone, "since": since}
        )
        return {day for (day,) in cursor.fetchall()}
