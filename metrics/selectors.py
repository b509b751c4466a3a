"""Reading computed KPI figures for the API and the dashboard (one query per table), and
accounts' usage as of a day from the daily rollups, and which accounts were active and
churned when, for health scores and their backtest."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext

from accounts.models import Account
from metrics.definitions import ALL, Grain, Unit
from metrics.engine.coverage import coverage_build
from metrics.engine.inputs import day_number, day_of, terms_frame, terms_near_frame
from metrics.engine.usage_history import UsageHistory, usage_history
from metrics.engine.usage_windows import UsageWindows, windows_build, windows_whole
from metrics.models import (
    AccountDay,
    ChurnRecord,
    Dimension,
    Feature,
    MetricFigure,
    MetricsState,
    RecomputeJob,
    UsageEvent,
)
from tenants.models import Membership


@dataclass(frozen=True)
class Shown:
    """A figure as stored, ready to render: value, numerator and denominator."""

    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None


@dataclass
class PeriodRow:
    period: date
    figures: dict[str, Shown]


def figures_by_period(
    *, grain: Grain, first: date, last: date, dimension: str = Dimension.ALL, key: str = ""
) -> list[PeriodRow]:
    """The figures of each computed period from `first` to `last`, oldest first."""
    rows = (
        MetricFigure.objects.filter(
            grain=grain.value, dimension=dimension, key=key, period__range=(first, last)
        )
        .order_by("period", "metric")
        .values_list("period", "metric", "value", "numerator", "denominator")
    )
    result: dict[date, PeriodRow] = {}
    for period, metric, value, numerator, denominator in rows:
        row = result.setdefault(period, PeriodRow(period, {}))
        row.figures[metric] = Shown(value, numerator, denominator)
    return list(result.values())


def latest_period(grain: Grain) -> date | None:
    """The most recent period with figures for the whole tenant."""
    return (
        MetricFigure.objects.filter(grain=grain.value, dimension=Dimension.ALL, key="")
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def cut_keys() -> dict[str, list[str]]:
    """The segment and owner keys that have figures, for filters."""
    keys = (
        MetricFigure.objects.exclude(dimension=Dimension.ALL)
        .order_by("dimension", "key")
        .values_list("dimension", "key")
        .distinct()
    )
    result: dict[str, list[str]] = {Dimension.SEGMENT: [], Dimension.OWNER: []}
    for dimension, key in keys:
        result.setdefault(dimension, []).append(key)
    return result


def metrics_state() -> MetricsState | None:
    return MetricsState.objects.first()


def recompute_jobs_recent(limit: int = 5):
    return list(RecomputeJob.objects.select_related("requested_by__user")[:limit])


def as_api(metric: str, shown: Shown | None) -> dict:
    """{"value", "numerator", "denominator"} as the API shows them: money as a two-place
    decimal string, ratios as decimal numbers, counts and NPS as integers."""
    unit = ALL[metric].unit
    if shown is None:
        return {"value": None, "numerator": None, "denominator": None}
    return {
        "value": _render(shown.value, unit),
        "numerator": _render_part(shown.numerator, metric, "numerator"),
        "denominator": _render_part(shown.denominator, metric, "denominator"),
    }


# Parts that are amounts of money, rendered as money strings like the values.
MONEY_PARTS = {
    ("arpu", "numerator"),
    ("ltv", "numerator"),
    ("arr_per_csm", "numerator"),
    ("grr", "numerator"),
    ("grr", "denominator"),
    ("nrr", "numerator"),
    ("nrr", "denominator"),
    ("renewal_revenue_rate", "numerator"),
    ("renewal_revenue_rate", "denominator"),
    ("cac", "numerator"),
    ("ltv_to_cac", "numerator"),
    ("ltv_to_cac", "denominator"),
}


def _render(value: Decimal | None, unit: Unit):
    if value is None:
        return None
    if unit == Unit.MONEY:
        return f"{value:.2f}"
    if unit in (Unit.COUNT, Unit.SCORE):
        return int(value)
    return float(value.normalize())


def _render_part(value: Decimal | None, metric: str, part: str):
    if value is None:
        return None
    if (metric, part) in MONEY_PARTS:
        return f"{value:.2f}"
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


def cut_has_figures(*, grain: Grain, dimension: str, key: str) -> bool:
    """Whether any period of `grain` has figures for this cut (an unknown segment has none)."""
    return MetricFigure.objects.filter(grain=grain.value, dimension=dimension, key=key).exists()


def owner_labels(keys: list[str]) -> dict[str, str]:
    """Email of each owner cut key (a membership id); owners who left keep their id only."""
    ids = [int(key) for key in keys if key.isascii() and key.isdecimal()]
    emails = dict(Membership.objects.filter(pk__in=ids).values_list("pk", "user__email"))
    return {
        key: emails.get(int(key), gettext("Former member #%(id)s") % {"id": key})
        for key in keys
        if key.isdecimal()
    }


def recompute_job_detail():
    """Recompute jobs of the active tenant, with who asked for them."""
    return RecomputeJob.objects.select_related("requested_by__user")


def account_recent_events(account, limit: int = 20):
    """The account's latest usage events, newest first, with their contacts (one query)."""
    return list(
        UsageEvent.objects.filter(account=account)
        .select_related("contact")
        .order_by("-timestamp", "-id")[:limit]
    )


@dataclass(frozen=True)
class UsageAsOf:
    """What the daily rollups say of every account's usage as of one local day, for other
    apps (health scores) that must not scan the events."""

    windows: pd.DataFrame  # UsageWindows.frame's columns but the last day, by account
    last_active: dict[int, date]  # each account's last day with events, on or before the day
    features: int  # distinct features in the catalog
    core_features: int  # distinct core features


def account_usage_as_of(
    *, tenant, day: date, window_days: int = 30, accounts: list[int] | None = None
) -> UsageAsOf:
    """Trailing `window_days` ending with `day` (and the same length before it, for trends)
    for all of the tenant's accounts, in three queries at most. With `accounts`, the last active
    day of an account idle through both windows is looked up only for those accounts."""
    windows = windows_build(tenant, day, window_days)
    return account_usage_carried(tenant=tenant, windows=windows, accounts=accounts)


def account_usage_carried(
    *, tenant, windows: UsageWindows, accounts: list[int] | None = None
) -> UsageAsOf:
    """`account_usage_as_of` of the windows' day, from windows already built, or carried
    from the day before (metrics.engine.usage_windows). Whole windows know every account's
    last active day: only accounts created since they were built are looked up."""
    before = windows.day - timedelta(days=2 * windows.window - 1)
    known = windows.accounts if windows.whole else None
    return _usage_as_of(tenant, before, windows.frame(), accounts, known)


def usage_windows_whole(*, tenant, windows: UsageWindows) -> UsageWindows:
    """`windows` (built, or carried) with every account of the tenant and the last active day
    of those idle through both windows (one index probe each), for windows carried from
    night to night: the probes are made once, not every night."""
    if windows.whole:
        return windows
    before = windows.day - timedelta(days=2 * windows.window - 1)
    accounts = list(Account.objects.for_tenant(tenant).values_list("pk", flat=True))
    active = set(windows.accounts[windows.last_active >= 0].tolist())
    idle = [account for account in accounts if account not in active]
    found = _idle_last_days(tenant, before, idle)
    idle_last = {account: day_number(last) for account, last in found.items()}
    return windows_whole(windows, accounts, idle_last)


def _idle_last_days(tenant, before: date, accounts) -> dict[int, date]:
    """The last day with events before `before` of `accounts` (a list, or a queryset of
    accounts), one index probe each; accounts with none are left out."""
    last_day = (
        AccountDay.objects.for_tenant(tenant)
        .filter(account_id=OuterRef("pk"), day__lt=before, events__gt=0)
        .order_by("-day")
        .values("day")[:1]
    )
    if isinstance(accounts, list):
        if not accounts:
            return {}
        accounts = Account.objects.for_tenant(tenant).filter(pk__in=accounts)
    rows = accounts.annotate(last=Subquery(last_day)).filter(last__isnull=False)
    return dict(rows.values_list("pk", "last"))


def _usage_as_of(tenant, before: date, frame: pd.DataFrame, accounts, known=None) -> UsageAsOf:
    windows = frame.set_index("account")
    recent_last = windows.pop("last_active")
    recent_last = recent_last[recent_last >= 0]
    last_active = dict(
        zip(recent_last.index.tolist(), map(day_of, recent_last.tolist()), strict=True)
    )
    # The accounts idle through both windows: one index probe each for their last day
    # (`known`: accounts whose last day the windows already hold, none ever if not there).
    skip = set(last_active) if known is None else set(known.tolist())
    if accounts is None:
        idle = Account.objects.for_tenant(tenant).exclude(pk__in=list(skip))
    else:
        # The few idle ones named, rather than every active account excluded.
        idle = [account for account in accounts if account not in skip]
    last_active |= _idle_last_days(tenant, before, idle)
    catalog = Feature.objects.for_tenant(tenant).aggregate(
        features=Count("feature", distinct=True),
        core=Count("feature", distinct=True, filter=Q(is_core=True)),
    )
    return UsageAsOf(windows, last_active, catalog["features"], catalog["core"])


def account_usage_history(*, tenant, accounts, first: date, last: date) -> UsageHistory:
    """`account_usage_as_of` for every day from `first` to `last` at once, as matrices
    (accounts x days), from one read of the rollups."""
    return usage_history(tenant, accounts, first, last)


def accounts_covered(*, tenant, accounts, first: date, last: date) -> np.ndarray:
    """Whether each account (rows in `accounts` order) is an active paying logo on each day
    from `first` to `last` (renewal gaps within the grace period included), accounts x days."""
    grace = tenant.renewal_grace_days
    terms = terms_near_frame(tenant, first, last, grace)  # not every term: a nightly's day
    return coverage_build(terms, np.asarray(accounts), first, last, grace).active


def accounts_active_on(*, tenant, days: list[date]) -> dict[date, set[int]]:
    """The accounts active (paying logos, renewal gaps included) on each of `days`, by the
    metric definitions' coverage of the subscription terms."""
    if not days:
        return {}
    accounts = np.asarray(
        Account.objects.for_tenant(tenant).order_by("pk").values_list("pk", flat=True)
    )
    coverage = coverage_build(
        terms_frame(tenant), accounts, min(days), max(days), tenant.renewal_grace_days
    )
    return {
        day: {int(a) for a in coverage.accounts[coverage.active[:, coverage.column(day)]]}
        for day in days
    }


def churn_days(*, tenant, first: date, last: date) -> dict[int, list[date]]:
    """Each account's churn days (from its churn records) from `first` to `last`."""
    found: dict[int, list[date]] = {}
    rows = ChurnRecord.objects.for_tenant(tenant).filter(churned_on__range=(first, last))
    for account, day in rows.values_list("account_id", "churned_on"):
        found.setdefault(account, []).append(day)
    return found
