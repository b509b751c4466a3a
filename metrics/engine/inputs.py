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
from onboarding.selectors.milestones import milestone_days
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


def terms_near_frame(tenant: Tenant, first: date, last: date, grace_days: int) -> pd.DataFrame:
    """`terms_frame` of the terms that can make an account active from `first` to `last`
    (metrics.engine.coverage), the others left out: those days' coverage is the same as
    from every term. Kept, for the accounts with a term running or ended less than
    `grace_days` before `first`: their terms starting by `last` + `grace_days` (a renewal
    starts no later) that run or end after `first` - `grace_days` (a term or a renewal gap
    reaching the days), or start after the earliest start among those (a term that may be
    the renewal of one of them, which decides whether and until when its gap runs)."""
    sql = f"""
        WITH near AS (
            SELECT account_id, min(start_date) AS since FROM {Subscription._meta.db_table}
            WHERE tenant_id = %(tenant)s AND (end_date IS NULL OR end_date > %(after)s)
            GROUP BY account_id
        )
        SELECT s.id, s.account_id, s.start_date - DATE '1970-01-01',
               COALESCE(s.end_date - DATE '1970-01-01', {OPEN_END}), round(s.mrr * 100)::bigint
        FROM {Subscription._meta.db_table} s JOIN near ON near.account_id = s.account_id
        WHERE s.tenant_id = %(tenant)s AND s.start_date <= %(by)s
          AND (s.end_date IS NULL OR s.end_date > %(after)s OR s.start_date > near.since)
        ORDER BY s.account_id, s.start_date, s.id
    """  # noqa: S608
    params = {
        "tenant": tenant.pk,
        "after": first - timedelta(days=grace_days),
        "by": last + timedelta(days=grace_days),
    }
    columns = {"id": "int64", "account": "int64", "start": "int64", "end": "int64"}
    return _frame(sql, params, {**columns, "cents": "int64"})


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


def milestone_first_days(tenant: Tenant, milestone: str, event: str) -> tuple[dict[int, int], bool]:
    """Each account's first day number at `milestone` (activated, first value), and whether
    the figure is defined. An account whose onboarding plan names the milestone reached it
    when the plan's step was done; the others, when they first sent the tenant's `event`."""
    reached, planned = milestone_days(tenant, milestone)
    days = {
        account: day for account, day in first_event_days(tenant, event).items()
        if account not in planned
    }  # fmt: skip
    days |= {account: day_number(day) for account, day in reached.items()}
    return days, bool(event) or bool(planned)


def spend_by_month(tenant: Tenant) -> dict[date, int]:
    """Acquisition spend per month, in cents."""
    rows = AcquisitionSpend.objects.for_tenant(tenant).values_list("month", "amount")
    return {month: int(amount * 100) for month, amount in rows}


def catalog_events(tenant: Tenant) -> list[tuple[list[str], list[str]]]:
    """Each catalog feature, numbered 0.. in order of name: its event names, and
    those of them flagged core."""
    features: dict[str, tuple[list[str], list[str]]] = {}
    rows = Feature.objects.for_tenant(tenant).order_by("feature", "event_name")
    for feature, event, core in rows.values_list("feature", "event_name", "is_core"):
        names, core_names = features.setdefault(feature, ([], []))
        names.append(event)
        if core:
            core_names.append(event)
    return list(features.values())


def _feature_tests(catalog, core: bool) -> list[tuple[int, str]]:
    """(feature number, parameter name) of each feature to test a day's event names against
    with `?|` (those with core event names, if `core`): a key lookup per feature, several
    times cheaper than expanding every day's names with jsonb_object_keys and joining them
    to the catalog."""
    prefix, column = ("core", 1) if core else ("feature", 0)
    return [(n, f"{prefix}{n}") for n, names in enumerate(catalog) if names[column]]


def _feature_params(catalog) -> dict[str, list[str]]:
    params = {f"feature{n}": names for n, (names, _) in enumerate(catalog)}
    params |= {f"core{n}": core for n, (_, core) in enumerate(catalog) if core}
    return params


def usage_windows_frame(tenant: Tenant, first: date, last: date, split: date, catalog):
    """Per account with rollups from `first` to `last`: active days and events from `split`
    on, events before `split`, for each catalog feature (in `catalog` order) the days from
    `split` on it was used (`features`, an array text "{3,0,1}") and was used through a core
    event (`core`; 0 for a feature without core events), and its last day with events. The
    counts travel as one array each: a column per feature would cap the catalog at the 1,664
    columns a result may have."""

    def days_used(core: bool) -> str:
        tests = dict(_feature_tests(catalog, core))
        counts = [
            f"count(*) FILTER (WHERE d.day >= %(split)s AND d.event_counts ?| %({tests[n]})s"
            "::text[])"
            if n in tests
            else "0"
            for n in range(len(catalog))
        ]
        return f"ARRAY[{', '.join(counts)}]::int[]"

    sql = f"""
        SELECT d.account_id,
               count(*) FILTER (WHERE d.day >= %(split)s AND d.events > 0),
               COALESCE(sum(d.events) FILTER (WHERE d.day >= %(split)s), 0),
               COALESCE(sum(d.events) FILTER (WHERE d.day < %(split)s), 0),
               {days_used(False)}, {days_used(True)},
               COALESCE(max(d.day) FILTER (WHERE d.events > 0) - DATE '1970-01-01', -1)
        FROM {AccountDay._meta.db_table} d
        WHERE d.tenant_id = %(tenant)s AND d.account_id IS NOT NULL
          AND d.day BETWEEN %(first)s AND %(last)s
        GROUP BY d.account_id ORDER BY d.account_id
    """  # noqa: S608
    columns = {
        "account": "int64",
        "active_days": "int64",
        "events": "int64",
        "events_before": "int64",
        "features": "str",
        "core": "str",
        "last_active": "int64",  # day number; -1: no events in the windows
    }
    params = {**_days(tenant, first, last), "split": split, **_feature_params(catalog)}
    return _frame(sql, params, columns)


def usage_days_frame(
    tenant: Tenant, first: date, last: date, catalog, only: list[date] | None = None
) -> pd.DataFrame:
    """Per account and day with rollups from `first` to `last`: the day's offset from
    `first`, its events, and the catalog features used that day as bitmasks: feature number
    n (in `catalog_events` order) is bit n % 63 of word n // 63, then the same of the
    features used through a core event (as many words again). With `only`, the rows of
    those days alone."""
    words = (len(catalog) + 62) // 63

    def mask(word: int, core: bool) -> str:
        tests = [
            f"CASE WHEN d.event_counts ?| %({name})s::text[] THEN {1 << (n % 63)}::bigint"
            " ELSE 0 END"
            for n, name in _feature_tests(catalog, core)
            if n // 63 == word
        ]
        return " | ".join(tests) or "0::bigint"

    masks = "".join(f", {mask(word, core)}" for core in (False, True) for word in range(words))
    sql = f"""
        SELECT d.account_id, d.day - %(first)s, d.events{masks}
        FROM {AccountDay._meta.db_table} d
        WHERE d.tenant_id = %(tenant)s AND d.account_id IS NOT NULL
          AND d.day BETWEEN %(first)s AND %(last)s{" AND d.day = ANY(%(only)s)" if only else ""}
    """  # noqa: S608
    columns = {"account": "int64", "day": "int32", "events": "int64"}
    columns |= {f"mask{word}": "int64" for word in range(words)}
    columns |= {f"core{word}": "int64" for word in range(words)}
    params = {**_days(tenant, first, last), **_feature_params(catalog), "only": only}
    return _frame(sql, params, columns)


def last_active_before(tenant: Tenant, day: date) -> pd.DataFrame:
    """Each account's last day with events before `day` (a day number)."""
    sql = f"""
        SELECT account_id, max(day) - DATE '1970-01-01' FROM {AccountDay._meta.db_table}
        WHERE tenant_id = %(tenant)s AND account_id IS NOT NULL AND day < %(day)s
          AND events > 0
        GROUP BY account_id
    """  # noqa: S608
    return _frame(sql, {"tenant": tenant.pk, "day": day}, {"account": "int64", "last": "int64"})
