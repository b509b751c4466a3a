"""Every measure source's raw value for all of a tenant's accounts on every day of a range,
as numpy matrices (accounts x days, NaN where the data is missing), read in one go: the
same values `raw_values` gives for one day (its docstring defines them), for a year of
history without a query per day."""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from accounts.models import NpsResponse, Subscription
from health.models import Source
from health.raw_values import raw_values
from metrics.selectors import account_usage_history
from tenants.models import Tenant

WINDOW_DAYS = 30
FEW_DAYS = 2  # up to this many days, each is read as `raw_values` reads one


@dataclass(frozen=True)
class RawHistory:
    first: date
    accounts: np.ndarray  # account ids, one per row
    values: dict[str, np.ndarray]  # source -> float64 accounts x days, NaN: missing

    @property
    def days(self) -> int:
        return next(iter(self.values.values())).shape[1]


def raw_history(tenant: Tenant, account_ids, first: date, last: date) -> RawHistory:
    accounts = np.asarray(account_ids, dtype=np.int64)
    days = (last - first).days + 1
    shape = (len(accounts), days)
    values = {source: np.full(shape, np.nan) for source in Source.values}
    if days <= FEW_DAYS:
        # A nightly run's day or two: the one-day reads aggregate in PostgreSQL, cheaper
        # than bringing 60 days of rollups over for so few days.
        account_list = accounts.tolist()
        for column in range(days):
            day_values = raw_values(tenant, first + timedelta(days=column), account_list)
            rows = [day_values[account] for account in account_list]
            for source, matrix in values.items():
                # A column at a time: float64 turns each None into NaN.
                matrix[:, column] = np.array([row[source] for row in rows], dtype=np.float64)
        return RawHistory(first, accounts, values)
    _usage(tenant, accounts, first, last, values)
    values[Source.DAYS_TO_RENEWAL] = _renewals(tenant, accounts, first, days)
    values[Source.NPS_LATEST] = _nps(tenant, accounts, first, last)
    return RawHistory(first, accounts, values)


def _usage(tenant, accounts, first, last, values) -> None:
    usage = account_usage_history(tenant=tenant, accounts=accounts, first=first, last=last)
    day_numbers = (first - date(1970, 1, 1)).days + np.arange(usage.events.shape[1])
    ever = usage.last_active >= 0
    values[Source.DAYS_SINCE_ACTIVITY] = np.where(ever, day_numbers - usage.last_active, np.nan)
    values[Source.USAGE_FREQUENCY] = np.where(ever, usage.active_days, np.nan)
    for source, used, whole in (
        (Source.FEATURE_BREADTH, usage.features_used, usage.features),
        (Source.CORE_DEPTH, usage.core_used, usage.core_features),
    ):
        if whole:
            values[source] = np.where(ever, used * 100 / whole, np.nan)
    before = usage.events_before
    with np.errstate(divide="ignore", invalid="ignore"):
        trend = (usage.events - before) * 100 / before
    values[Source.USAGE_TREND] = np.where(ever & (before > 0), trend, np.nan)


def _renewals(tenant, accounts, first: date, days: int) -> np.ndarray:
    """Days until the latest end among the terms running each day; NaN without a running
    term or when a running term is open-ended (end exclusive, as `active_on`)."""
    row_of = {int(a): n for n, a in enumerate(accounts)}
    latest = np.full((len(accounts), days), -1, dtype=np.int64)
    open_ended = np.zeros((len(accounts), days), dtype=bool)
    terms = Subscription.objects.for_tenant(tenant).values_list(
        "account_id", "start_date", "end_date"
    )
    for account, start, end in terms:
        row = row_of.get(account)
        if row is None:
            continue
        begin = max((start - first).days, 0)
        stop = days if end is None else min((end - first).days, days)
        if begin >= stop:
            continue
        if end is None:
            open_ended[row, begin:stop] = True
        else:
            span = latest[row, begin:stop]
            np.maximum(span, (end - first).days, out=span)
    left = latest - np.arange(days)
    return np.where((latest >= 0) & ~open_ended, left, np.nan).astype(np.float64)


def _nps(tenant: Tenant, accounts, first: date, last: date) -> np.ndarray:
    """Mean of each contact's latest answer within the NPS window ending each day, per
    account. The value only changes on an answer's day or the day an answer leaves the
    window, so it is computed on those days and carried forward."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    window = tenant.nps_window_days
    days = (last - first).days + 1
    result = np.full((len(accounts), days), np.nan)
    row_of = {int(a): n for n, a in enumerate(accounts)}
    since = first - timedelta(days=window - 1)
    answers = (
        NpsResponse.objects.for_tenant(tenant)
        .filter(
            answered_at__gte=datetime.combine(since, time(), zone),
            answered_at__lt=datetime.combine(last + timedelta(days=1), time(), zone),
        )
        .order_by("answered_at", "id")
        .values_list("account_id", "contact__account_id", "contact_id", "answered_at", "score")
    )
    by_account: dict[int, list] = defaultdict(list)
    for account, contact_account, contact, answered_at, score in answers:
        row = row_of.get(account or contact_account)
        if row is not None:
            by_account[row].append((answered_at.astimezone(zone).date(), contact, score))
    for row, rows in by_account.items():
        changes = {max(day, first) for day, _, _ in rows}
        changes |= {day + timedelta(days=window) for day, _, _ in rows}
        for change in sorted(day for day in changes if first <= day <= last):
            earliest = change - timedelta(days=window - 1)
            latest: dict[int, int] = {}
            for day, contact, score in rows:  # in answer order: the last one wins
                if earliest <= day <= change:
                    latest[contact] = score
            column = (change - first).days
            mean = sum(latest.values()) / len(latest) if latest else np.nan
            result[row, column:] = mean
    return result
