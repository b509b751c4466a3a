"""The engine's inputs, aggregated in PostgreSQL and read as pandas frames.

Nothing here reads raw events: usage comes from the account-day rollups, and the other
inputs (accounts, terms, NPS answers, spend) are small tables. Frames travel as CSV through
COPY, which is several times faster and leaner than a Python tuple per row; a missing
account is -1, so that every column parses as plain integers. Days are whole
numbers (days since 1970-01-01, or offsets from a given first day) so that pandas and numpy
work on integers, never on Python date objects.
"""

import io
from datetime import date, timedelta

import pandas as pd
from django.db import connection

from accounts.models import Account, Contact, NpsResponse, Subscription
from metrics.engine.calendar import local_midnight
from metrics.models import AccountDay, AccountEventFirst, AcquisitionSpend, Feature
from tenants.models import Tenant

EPOCH = date(1970, 1, 1)
OPEN_END = 10**7  # the day number of an open end: after any real date


def day_number(day: date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> date:
    return EPOCH + timedelta(days=int(number))


def _frame(sql: str, params: dict, columns: dict[str, str]) -> pd.DataFrame:
    """Run `sql` and return its rows with `columns` (name -> dtype)."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    if not buffer.getbuffer().nbytes:
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})
    # Only an empty field is missing: a segment called "NA" or "None" is a name.
    return pd.read_csv(
        buffer,
        names=list(columns),
        dtype=columns,
        header=None,
        keep_default_na=False,
        na_values=[""],
    )


def accounts_frame(tenant: Tenant) -> pd.DataFrame:
    sql = f"""
        SELECT id, segment, owner_id FROM {Account._meta.db_table}
        WHERE tenant_id = %(tenant)s ORDER BY id
    """  # noqa: S608
    frame = _frame(sql, {"tenant": tenant.pk}, {"id": "int64", "segment": "str", "owner": "Int64"})
    frame["segment"] = frame["segment"].fillna("")
    return frame


def terms_frame(tenant: Tenant) -> pd.DataFrame:
    """Every subscription term: day numbers (OPEN_END for an open end), MRR in cents."""
    sql = f"""
        SELECT id, account_id, start_date - DATE '1970-01-01',
               COALESCE(end_date - DATE '1970-01-01', {OPEN_END}), round(mrr * 100)::bigint
        FROM {Subscription._meta.db_table} WHERE tenant_id = %(tenant)s
        ORDER BY account_id, start_date, id
    """  # noqa: S608
    columns = {"id": "int64", "account": "int64", "start": "int64", "end": "int64"}
    return _frame(sql, {"tenant": tenant.pk}, {**columns, "cents": "int64"})


def _days(tenant: Tenant, first: date, last: date) -> dict:
    return {"tenant": tenant.pk, "first": first, "last": last}


def user_days_frame(tenant: Tenant, first: date, last: date) -> pd.DataFrame:
    """(day offset from `first`, contact, account) for each contact active on each day."""
    sql = f"""
        SELECT a.day - %(first)s, c.contact, COALESCE(a.account_id, -1)
        FROM {AccountDay._meta.db_table} a, unnest(a.contacts) AS c(contact)
        WHERE a.tenant_id = %(tenant)s AND a.day BETWEEN %(first)s AND %(last)s
    """  # noqa: S608
    columns = {"day": "int32", "contact": "int64", "account": "int64"}
    return _frame(sql, _days(tenant, first, last), columns)


def session_seconds_frame(tenant: Tenant, first: date, last: date) -> pd.DataFrame:
    """(day offset, account, session seconds of its contacts) for each day with sessions."""
    sql = f"""
        SELECT day - %(first)s, COALESCE(account_id, -1), session_seconds
        FROM {AccountDay._meta.db_table}
        WHERE tenant_id = %(tenant)s AND day BETWEEN %(first)s AND %(last)s
          AND session_seconds > 0
    """  # noqa: S608
    columns = {"day": "int32", "account": "int64", "seconds": "int64"}
    return _frame(sql, _days(tenant, first, last), columns)


def core_days_frame(tenant: Tenant, first: date, last: date) -> pd.DataFrame:
    """(account, day offset) pairs on which the account used at least one core feature."""
    core = list(
        Feature.objects.for_tenant(tenant).filter(is_core=True).values_list("event_name", flat=True)
    )
    columns = {"account": "int64", "day": "int32"}
    if not core:
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})
    sql = f"""
        SELECT account_id, day - %(first)s FROM {AccountDay._meta.db_table}
        WHERE tenant_id = %(tenant)s AND day BETWEEN %(first)s AND %(last)s
          AND account_id IS NOT NULL AND event_counts ?| %(core)s
    """  # noqa: S608
    return _frame(sql, {**_days(tenant, first, last), "core": core}, columns)


def active_days_frame(tenant: Tenant, accounts: list[int], first: date, last: date):
    """(account, day offset) pairs with any event, for the given accounts."""
    # A join, not `account_id = ANY(...)`: each account is looked up by its own index range,
    # where a filter would test every account-day of the period against the whole list.
    sql = f"""
        SELECT d.account_id, d.day - %(first)s
        FROM unnest(%(accounts)s::bigint[]) AS a(id)
        JOIN {AccountDay._meta.db_table} d ON d.account_id = a.id
        WHERE d.tenant_id = %(tenant)s AND d.day BETWEEN %(first)s AND %(last)s AND d.events > 0
    """  # noqa: S608
    params = {**_days(tenant, first, last), "accounts": accounts}
    return _frame(sql, params, {"account": "int64", "day": "int32"})


def nps_frame(tenant: Tenant, first: date, last: date) -> pd.DataFrame:
    """Answers given on local days `first` to `last`, by contact and time, with day offsets."""
    sql = f"""
        SELECT r.contact_id, COALESCE(r.account_id, c.account_id, -1), r.score,
               (r.answered_at AT TIME ZONE %(tz)s)::date - %(first)s
        FROM {NpsResponse._meta.db_table} r
        JOIN {Contact._meta.db_table} c ON c.id = r.contact_id AND c.tenant_id = r.tenant_id
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
    columns = {"contact": "int64", "account": "int64", "score": "int16", "day": "int32"}
    return _frame(sql, params, columns)


def first_event_days(tenant: Tenant, event: str) -> dict[int, int]:
    """Each account's first day number with `event` (the activation or first-value event)."""
    if not event:
        return {}
    rows = AccountEventFirst.objects.for_tenant(tenant).filter(event=event)
    pairs = rows.values_list("account_id", "first_day")
    return {account: day_number(day) for account, day in pairs}


def spend_by_month(tenant: Tenant) -> dict[date, int]:
    """Acquisition spend per month, in cents."""
    rows = AcquisitionSpend.objects.for_tenant(tenant).values_list("month", "amount")
    return {month: int(amount * 100) for month, amount in rows}


def usage_windows_frame(tenant: Tenant, first: date, last: date, split: date) -> pd.DataFrame:
    """Per account with rollups from `first` to `last`: active days and events from `split`
    on, events before `split`, and the distinct catalog features (all, core) it used from
    `split` on. A feature is core when an event name of it is flagged core."""
    sql = f"""
        WITH days AS (
            SELECT account_id, day, events, event_counts FROM {AccountDay._meta.db_table}
            WHERE tenant_id = %(tenant)s AND account_id IS NOT NULL
              AND day BETWEEN %(first)s AND %(last)s
        ), features_used AS (
            -- One group per account and feature (hashed): a count(DISTINCT ...) per account
            -- would sort every (account, event name) of the window instead.
            SELECT d.account_id, f.feature, bool_or(f.is_core) AS core
            FROM days d
            CROSS JOIN LATERAL jsonb_object_keys(d.event_counts) AS k(name)
            JOIN {Feature._meta.db_table} f
              ON f.tenant_id = %(tenant)s AND f.event_name = k.name
            WHERE d.day >= %(split)s
            GROUP BY d.account_id, f.feature
        ), used AS (
            SELECT account_id, count(*) AS features, count(*) FILTER (WHERE core) AS core
            FROM features_used GROUP BY account_id
        )
        SELECT d.account_id,
               count(*) FILTER (WHERE d.day >= %(split)s AND d.events > 0),
               COALESCE(sum(d.events) FILTER (WHERE d.day >= %(split)s), 0),
               COALESCE(sum(d.events) FILTER (WHERE d.day < %(split)s), 0),
               COALESCE(max(u.features), 0), COALESCE(max(u.core), 0)
        FROM days d LEFT JOIN used u ON u.account_id = d.account_id
        GROUP BY d.account_id
    """  # noqa: S608
    columns = {
        "account": "int64",
        "active_days": "int64",
        "events": "int64",
        "events_before": "int64",
        "features_used": "int64",
        "core_used": "int64",
    }
    params = {**_days(tenant, first, last), "split": split}
    return _frame(sql, params, columns)


def usage_days_frame(tenant: Tenant, first: date, last: date, words: int) -> pd.DataFrame:
    """Per account and day with rollups from `first` to `last`: the day's offset from
    `first`, its events, and the catalog features used that day as bitmasks: feature number
    n (in `features_numbered` order) is bit n % 63 of word n // 63 (`words` columns), then
    the same of the features used through a core event (`words` columns more)."""
    masks = ", ".join(
        f"COALESCE(bit_or(1::bigint << (f.n %% 63)) FILTER (WHERE f.n / 63 = {word}{core}), 0)"
        for core in ("", " AND f.is_core")
        for word in range(words)
    )
    used = (
        f"""LEFT JOIN LATERAL (
            SELECT {masks} FROM jsonb_object_keys(d.event_counts) AS k(name)
            JOIN features f ON f.event_name = k.name
        ) AS m ON true"""  # noqa: S608
        if words
        else ""
    )
    sql = f"""
        WITH features AS MATERIALIZED ({_FEATURES_NUMBERED})
        SELECT d.account_id, d.day - %(first)s, d.events{", m.*" if words else ""}
        FROM {AccountDay._meta.db_table} d {used}
        WHERE d.tenant_id = %(tenant)s AND d.account_id IS NOT NULL
          AND d.day BETWEEN %(first)s AND %(last)s
    """  # noqa: S608
    columns = {"account": "int64", "day": "int32", "events": "int64"}
    columns |= {f"mask{word}": "int64" for word in range(words)}
    columns |= {f"core{word}": "int64" for word in range(words)}
    return _frame(sql, _days(tenant, first, last), columns)


# Every (feature number, event name) of the catalog: features numbered 0.. by name.
_FEATURES_NUMBERED = f"""
    SELECT (dense_rank() OVER (ORDER BY feature) - 1)::int AS n, event_name, is_core
    FROM {Feature._meta.db_table} WHERE tenant_id = %(tenant)s
"""  # noqa: S608


def features_numbered(tenant: Tenant) -> pd.DataFrame:
    """The catalog's features numbered as `usage_days_frame` numbers them, with whether each
    is core (a feature is core when an event name of it is flagged core)."""
    sql = f"""
        SELECT dense_rank() OVER (ORDER BY feature) - 1, feature, bool_or(is_core)
        FROM {Feature._meta.db_table} WHERE tenant_id = %(tenant)s GROUP BY feature
        ORDER BY feature
    """  # noqa: S608
    frame = _frame(sql, {"tenant": tenant.pk}, {"n": "int64", "feature": "str", "core": "str"})
    frame["core"] = frame["core"] == "t"
    return frame


def last_active_before(tenant: Tenant, day: date) -> pd.DataFrame:
    """Each account's last day with events before `day` (a day number)."""
    sql = f"""
        SELECT account_id, max(day) - DATE '1970-01-01' FROM {AccountDay._meta.db_table}
        WHERE tenant_id = %(tenant)s AND account_id IS NOT NULL AND day < %(day)s
          AND events > 0
        GROUP BY account_id
    """  # noqa: S608
    return _frame(sql, {"tenant": tenant.pk, "day": day}, {"account": "int64", "last": "int64"})
