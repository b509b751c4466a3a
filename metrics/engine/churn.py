"""Churn records: one for each day an account stops being active, kept in step with terms.

The record gets the churn date, tenure, last MRR and the engagement trend over the 90 days
before (active days per 30-day window, oldest first) for the CSM to add a reason. A record
the engine made and nobody has touched (no reason, no note) is removed again when the days
are recomputed and the account turns out not to have churned (a renewal arrived inside the
grace window).
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd

from metrics.engine.coverage import Coverage
from metrics.engine.figures import cents_to_money
from metrics.engine.inputs import active_days_frame, day_of
from metrics.models import ChurnRecord
from tenants.models import Tenant

TREND_WINDOWS = 3
TREND_DAYS = 30


def churn_records_sync(
    *, tenant: Tenant, coverage: Coverage, terms: pd.DataFrame, first: date, last: date
) -> int:
    """Create or refresh the churn records of churn days `first` to `last`; return how many."""
    lo, hi = coverage.column(first - timedelta(days=1)), coverage.column(last)
    before, after = coverage.active[:, lo:hi], coverage.active[:, lo + 1 : hi + 1]
    rows, offsets = np.nonzero(before & ~after)
    churned = [
        (int(coverage.accounts[row]), first + timedelta(days=int(offset)), row)
        for row, offset in zip(rows, offsets, strict=True)
    ]
    records = ChurnRecord.objects.for_tenant(tenant)
    untouched = records.filter(churned_on__range=(first, last), reason__isnull=True, note="")
    keep = {(account, day) for account, day, _ in churned}
    stale = [
        pk
        for pk, account, day in untouched.values_list("pk", "account_id", "churned_on")
        if (account, day) not in keep
    ]
    if stale:
        records.filter(pk__in=stale).delete()
    if not churned:
        return 0
    first_start = terms.groupby("account")["start"].min().to_dict()  # day numbers
    trends = _trends(tenant, churned)
    new = [
        ChurnRecord(
            tenant=tenant,
            account_id=account,
            churned_on=day,
            tenure_months=_months_between(first_start.get(account), day),
            last_mrr=cents_to_money(coverage.cents[row, coverage.column(day - timedelta(days=1))]),
            engagement_trend=trends.get((account, day), [0] * TREND_WINDOWS),
        )
        for account, day, row in churned
    ]
    ChurnRecord.objects.for_tenant(tenant).bulk_create(
        new,
        update_conflicts=True,
        unique_fields=["tenant", "account", "churned_on"],
        update_fields=["tenure_months", "last_mrr", "engagement_trend", "updated_at"],
    )
    return len(new)


def _trends(tenant: Tenant, churned) -> dict[tuple[int, date], list[int]]:
    """Active days per 30-day window over the 90 days before each churn day."""
    span = TREND_WINDOWS * TREND_DAYS
    first = min(day for _, day, _ in churned) - timedelta(days=span)
    last = max(day for _, day, _ in churned)
    frame = active_days_frame(tenant, sorted({a for a, _, _ in churned}), first, last)
    days_of = {
        int(account): np.sort(group.to_numpy())
        for account, group in frame.groupby("account")["day"]
    }
    empty = np.array([], dtype=np.int32)
    result = {}
    for account, day, _ in churned:
        active = days_of.get(account, empty)
        end = (day - first).days
        edges = [end - span + index * TREND_DAYS for index in range(TREND_WINDOWS + 1)]
        positions = np.searchsorted(active, edges)
        result[(account, day)] = [int(n) for n in np.diff(positions)]
    return result


def _months_between(start: int | None, end: date) -> int | None:
    """Whole months from the day number `start` to `end`."""
    if start is None:
        return None
    start = day_of(start)
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (1 if end.day < start.day else 0))
