"""Every measure source's raw value for all of a tenant's accounts on one local day, read
set-based: one query per input (accounts, usage from metrics' daily rollups, subscription
terms, NPS answers), never the raw events.

A value is None when the account has no data for that source (README, "Health scores"):
- usage_frequency, core_depth, feature_breadth: None for an account that never sent an
  event up to the day; core depth and breadth also when the catalog has no (core) features;
- usage_trend: None when the 30 days before the trailing 30 had no events (no baseline);
- nps_latest: None when none of the account's contacts answered in the NPS window;
- onboarding_progress: always None until onboarding checklists exist;
- days_to_renewal: None without a running term, or when a running term is open-ended;
- days_since_activity: None for an account that never sent an event.
"""

import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from accounts.models import Account, NpsResponse, Subscription
from health.models import Source
from health.usage_carry import usage_carried
from metrics.selectors import account_usage_as_of
from tenants.models import Tenant

WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)  # slots: one per account, thousands
class AccountFacts:
    """What scorecard matching needs of an account."""

    id: int
    segment: str
    lifecycle_stage: str


def accounts_facts(tenant: Tenant, account_ids: list[int] | None = None) -> list[AccountFacts]:
    rows = Account.objects.for_tenant(tenant).order_by("pk")
    if account_ids is not None:
        rows = rows.filter(pk__in=account_ids)
    return [AccountFacts(*row) for row in rows.values_list("pk", "segment", "lifecycle_stage")]


# Inside `raw_values_shared()`: {(tenant id, day): values}, so that the scoring of a day and
# the alert rules that follow it read the day once.
_shared: ContextVar[dict | None] = ContextVar("raw_values_shared", default=None)


@contextmanager
def raw_values_shared() -> Iterator[None]:
    """Within the block, `raw_values` of a tenant and day already read is not read again
    (for accounts it was read for). Only for one run's duration: the values are not kept."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def scores_shared_put(tenant: Tenant, day: date, scores: dict[int, tuple]) -> None:
    """Inside `raw_values_shared()`: the scores just written for `day`, {account: (score,
    band)}, every row the day has, so the rules that follow need not read them back."""
    shared = _shared.get()
    if shared is not None:
        shared[("scores", tenant.pk, day)] = scores


def scores_shared_get(tenant: Tenant, day: date) -> dict[int, tuple] | None:
    shared = _shared.get()
    return None if shared is None else shared.get(("scores", tenant.pk, day))


def raw_values(tenant: Tenant, day: date, account_ids: list[int]) -> dict[int, dict[str, object]]:
    """{account id: {source: raw value or None}} for the given accounts as of `day`."""
    shared = _shared.get()
    known = None if shared is None else shared.get((tenant.pk, day))
    if known is not None and known.keys() >= set(account_ids):
        return {account: dict(known[account]) for account in account_ids}
    sources = Source.values  # built anew on each access
    values: dict[int, dict[str, object]] = {
        account: dict.fromkeys(sources) for account in account_ids
    }
    _usage(tenant, day, values)
    _renewals(tenant, day, values)
    _nps(tenant, day, values)
    if shared is not None:
        shared[(tenant.pk, day)] = {account: dict(row) for account, row in values.items()}
    return values


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else part * 100 / whole


def _usage(tenant: Tenant, day: date, values: dict) -> None:
    usage = usage_carried(tenant, day, WINDOW_DAYS, list(values)) or account_usage_as_of(
        tenant=tenant, day=day, window_days=WINDOW_DAYS, accounts=list(values)
    )
    for account, last in usage.last_active.items():
        row = values.get(account)
        if row is None:
            continue
        row[Source.DAYS_SINCE_ACTIVITY] = (day - last).days
        # Ever active: usage in the window is a fact, even when it is none at all.
        row[Source.USAGE_FREQUENCY] = 0
        row[Source.FEATURE_BREADTH] = 0.0 if usage.features else None
        row[Source.CORE_DEPTH] = 0.0 if usage.core_features else None
    # The frame's columns as lists of Python ints: far cheaper to walk than its rows.
    windows = usage.windows
    columns = ["active_days", "events", "events_before", "features_used", "core_used"]
    rows = zip(windows.index.tolist(), *(windows[name].tolist() for name in columns), strict=True)
    for account, active, events, before, features, core in rows:
        row = values.get(account)
        if row is None or row[Source.DAYS_SINCE_ACTIVITY] is None:
            continue  # not asked for; or rollups with no events at all: nothing was used
        row[Source.USAGE_FREQUENCY] = active
        row[Source.FEATURE_BREADTH] = _percent(features, usage.features)
        row[Source.CORE_DEPTH] = _percent(core, usage.core_features)
        if before:
            row[Source.USAGE_TREND] = (events - before) * 100 / before


def _renewals(tenant: Tenant, day: date, values: dict) -> None:
    """Days until the latest end among the terms running on `day` (an early renewal that
    overlaps counts); none when a running term is open-ended."""
    latest: dict[int, date | None] = {}  # None: a running term is open-ended
    terms = Subscription.objects.for_tenant(tenant).active_on(day)
    for account, end in terms.values_list("account_id", "end_date"):
        if account not in latest:
            latest[account] = end
        elif latest[account] is not None:
            latest[account] = None if end is None else max(latest[account], end)
    for account, end in latest.items():
        if end is not None and account in values:
            values[account][Source.DAYS_TO_RENEWAL] = (end - day).days


def _nps(tenant: Tenant, day: date, values: dict) -> None:
    """Mean of each contact's latest answer within the tenant's NPS window ending with `day`
    (local days), per account (the answer's account, else the contact's)."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    first = day - timedelta(days=tenant.nps_window_days - 1)
    latest = (
        NpsResponse.objects.for_tenant(tenant)
        .filter(
            answered_at__gte=datetime.combine(first, time(), zone),
            answered_at__lt=datetime.combine(day + timedelta(days=1), time(), zone),
        )
        .order_by("contact_id", "-answered_at", "-id")
        .distinct("contact_id")
        .values_list("account_id", "contact__account_id", "score")
    )
    scores: dict[int, list[int]] = defaultdict(list)
    for account, contact_account, score in latest:
        scores[account or contact_account].append(score)
    for account, answers in scores.items():
        if account in values:
            values[account][Source.NPS_LATEST] = sum(answers) / len(answers)
