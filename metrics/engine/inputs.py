"""The engine's inputs, aggregated in PostgreSQL and read as pandas frames.

Nothing here reads raw events: usage comes from the daily rollups, and the other inputs
(accounts, terms, NPS answers, spend) are small tables. Frames travel as CSV through COPY,
which is several times faster and leaner than building a Python tuple per row.
"""

import io
from datetime import date, timedelta

import pandas as pd
from django.db import connection

from accounts.models import Account, Contact, Subscription, Tenant
from health.models import NpsResponse
from metrics.engine.calendar import local_midnight
from metrics.models import AccountEventDay, AcquisitionSpend, ContactDay, Feature


def _frame(sql: str, params: dict, columns: dict[str, str], dates=()) -> pd.DataFrame:
    """Run `sql` and return its rows with `columns` (name -> dtype); `dates` parse as dates."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    if not buffer.getbuffer().nbytes:
        frame = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})
    else:
        frame = pd.read_csv(buffer, names=list(columns), dtype=columns, header=None)
    for name in dates:
        # Python dates (None where missing) in an object column, whatever the rows: empty or
        # all-missing columns must compare with dates like any other.
        frame[name] = pd.Series(
            [
                date.fromisoformat(value) if isinstance(value, str) else None
                for value in frame[name]
            ],
            index=frame.index,
            dtype=object,
        )
    return frame


def accounts_frame(tenant: Tenant) -> pd.DataFrame:
    sql = f"""
        SELECT id, COALESCE(segment, ''), owner_id FROM {Account._meta.db_table}
        WHERE tenant_id = %(tenant)s ORDER BY id
    """  # noqa: S608
    frame = _frame(sql, {"tenant": tenant.pk}, {"id": "int64", "segment": "str", "owner": "Int64"})
    frame["segment"] = frame["segment"].fillna("")
    return frame


def terms_frame(tenant: Tenant) -> pd.DataFrame:
    """Every subscription term, with MRR in cents (exact sums)."""
    sql = f"""
        SELECT id, account_id, start_date, end_date, round(mrr * 100)::bigint
        FROM {Subscription._meta.db_table} WHERE tenant_id = %(tenant)s
        ORDER BY account_id, start_date, id
    """  # noqa: S608
    columns = {"id": "int64", "account": "int64", "start": "str", "end": "str", "cents": "int64"}
    return _frame(sql, {"tenant": tenant.pk}, columns, dates=("start", "end"))


def contact_days_frame(tenant: Tenant, first: date, last: date) -> pd.DataFrame:
    sql = f"""
        SELECT day - %(first)s, contact_id, account_id, session_seconds
        FROM {ContactDay._meta.db_table}
        WHERE tenant_id = %(tenant)s AND day BETWEEN %(first)s AND %(last)s
    """  # noqa: S608
    columns = {"day": "int32", "contact": "int64", "account": "Int64", "seconds": "int64"}
    return _frame(sql, {"tenant": tenant.pk, "first": first, "last": last}, columns)


def core_days_frame(tenant: Tenant, first: date, last: date) -> pd.DataFrame:
    """(account, day) pairs on which the account used at least one core feature."""
    sql = f"""
        SELECT DISTINCT e.account_id, e.day - %(first)s
        FROM {AccountEventDay._meta.db_table} e
        JOIN {Feature._meta.db_table} f
          ON f.tenant_id = e.tenant_id AND f.event_name = e.event AND f.is_core
        WHERE e.tenant_id = %(tenant)s AND e.day BETWEEN %(first)s AND %(last)s
    """  # noqa: S608
    columns = {"account": "int64", "day": "int32"}
    return _frame(sql, {"tenant": tenant.pk, "first": first, "last": last}, columns)


def active_days_frame(tenant: Tenant, accounts: list[int], first: date, last: date):
    """(account, day) pairs with any event, for the given accounts."""
    sql = f"""
        SELECT DISTINCT account_id, day FROM {AccountEventDay._meta.db_table}
        WHERE tenant_id = %(tenant)s AND account_id = ANY(%(accounts)s)
          AND day BETWEEN %(first)s AND %(last)s
    """  # noqa: S608
    params = {"tenant": tenant.pk, "accounts": accounts, "first": first, "last": last}
    return _frame(sql, params, {"account": "int64", "day": "str"}, dates=("day",))


def nps_frame(tenant: Tenant, first: date, last: date) -> pd.DataFrame:
    """Answers given on local days `first` to `last`, oldest first, with the local day."""
    sql = f"""
        SELECT r.contact_id, COALESCE(r.account_id, c.account_id), r.score,
               (r.answered_at AT TIME ZONE %(tz)s)::date - %(first)s
        FROM {NpsResponse._meta.db_table} r
        JOIN {Contact._meta.db_table} c ON c.id = r.contact_id
        WHERE r.tenant_id = %(tenant)s AND r.answered_at >= %(lo)s AND r.answered_at < %(hi)s
        ORDER BY r.contact_id, r.answered_at, r.id
    """  # noqa: S608
    params = {
        "tenant": tenant.pk,
        "tz": tenant.time_zone,
        "first": first,
        "lo": local_midnight(first, tenant.time_zone),
        "hi": local_midnight(last + timedelta(days=1), tenant.time_zone),
    }
    columns = {"contact": "int64", "account": "Int64", "score": "int16", "day": "int32"}
    return _frame(sql, params, columns)


def first_event_days(tenant: Tenant, event: str) -> dict[int, date]:
    """Each account's first local day with `event` (the activation or first-value event)."""
    if not event:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_id, min(day) FROM {AccountEventDay._meta.db_table} "  # noqa: S608
            "WHERE tenant_id = %s AND event = %s GROUP BY account_id",
            [tenant.pk, event],
        )
        return dict(cursor.fetchall())


def spend_by_month(tenant: Tenant) -> dict[date, int]:
    """Acquisition spend per month, in cents."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT month, round(amount * 100)::bigint FROM {AcquisitionSpend._meta.db_table} "  # noqa: S608
            "WHERE tenant_id = %s",
            [tenant.pk],
        )
        return dict(cursor.fetchall())
