"""Reads of the renewals page: terms due in the next 90 days, renewals due, renewed and lost by
month with the engine's renewal rate and renewal revenue rate, and ARR per CSM.

Renewals follow the metric definitions through the engine's own code: which term renewed
which is `metrics.engine.coverage.renewals` over the same terms frame the engine reads, and
the rates are the stored MetricFigure month figures where the engine computed them. A fixed
number of queries whatever the number of accounts or terms.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from django.db.models import DateField, Exists, ExpressionWrapper, F, Max, OuterRef, Subquery

from accounts.models import Subscription
from health.models import HealthScore
from metrics.engine.calendar import add_months, month_start
from metrics.engine.coverage import renewals
from metrics.engine.figures import cents_to_money
from metrics.engine.inputs import OPEN_END, day_number, day_of, terms_frame
from metrics.models import Dimension, MetricFigure
from tenants.models import Membership, Tenant

UPCOMING_DAYS = 90
MONTHS = 12


def renewals_upcoming(tenant: Tenant, today: date):
    """Terms ending in the next 90 days (today included), soonest first, with the account's
    owner and latest health band, and whether a renewal term has already been signed (one
    query)."""
    grace = timedelta(days=tenant.renewal_grace_days)
    renewal = Subscription.objects.filter(
        account_id=OuterRef("account_id"),
        start_date__gt=OuterRef("start_date"),
        start_date__lte=ExpressionWrapper(OuterRef("end_date") + grace, output_field=DateField()),
    )
    band = HealthScore.objects.filter(account_id=OuterRef("account_id")).order_by("-day")
    return (
        Subscription.objects.filter(
            end_date__gte=today, end_date__lt=today + timedelta(days=UPCOMING_DAYS)
        )
        .select_related("account", "account__owner__user")
        .annotate(
            renewed=Exists(renewal),
            band=Subquery(band.values("band")[:1]),
            arr=F("mrr") * 12,
        )
        .order_by("end_date", "account__name", "id")
    )


@dataclass
class RenewalMonth:
    month: date
    due: int = 0
    due_arr: Decimal = Decimal(0)
    renewed: int = 0
    renewed_arr: Decimal = Decimal(0)  # ARR of the renewing terms
    lost: int = 0
    lost_arr: Decimal = Decimal(0)  # ARR of the due terms not renewed, grace window over
    pending: int = 0  # not renewed yet, still inside the grace window
    pending_arr: Decimal = Decimal(0)
    rate: MetricFigure | None = None  # the engine's renewal_rate figure
    revenue_rate: MetricFigure | None = None  # its renewal_revenue_rate figure


def renewals_by_month(tenant: Tenant, today: date) -> list[RenewalMonth]:
    """The last 12 complete months, oldest first (two queries)."""
    first = add_months(month_start(today), -MONTHS)
    months = [add_months(first, n) for n in range(MONTHS)]
    rows = {month: RenewalMonth(month) for month in months}
    terms = terms_frame(tenant)
    if len(terms):
        due = terms[terms["end"] < OPEN_END].merge(
            renewals(terms, tenant.renewal_grace_days), left_on="id", right_on="term"
        )
        lo, hi = day_number(first), day_number(month_start(today))
        due = due[(due["end"] >= lo) & (due["end"] < hi)]
        grace_over = day_number(today) - tenant.renewal_grace_days
        for term in due.itertuples(index=False):
            row = rows[month_start(day_of(term.end))]
            arr = cents_to_money(12 * term.cents)
            row.due += 1
            row.due_arr += arr
            if pd.notna(term.renewal):
                row.renewed += 1
                row.renewed_arr += cents_to_money(12 * int(term.renewal_cents))
            elif term.end > grace_over:
                row.pending += 1
                row.pending_arr += arr
            else:
                row.lost += 1
                row.lost_arr += arr
    figures = MetricFigure.objects.filter(
        grain="month",
        dimension=Dimension.ALL,
        key="",
        period__in=months,
        metric__in=["renewal_rate", "renewal_revenue_rate"],
    )
    for figure in figures:
        row = rows[figure.period]
        if figure.metric == "renewal_rate":
            row.rate = figure
        else:
            row.revenue_rate = figure
    return [rows[month] for month in months]


@dataclass
class OwnerArr:
    label: str
    membership_id: int | None
    arr: Decimal
    accounts: int | None


@dataclass
class ArrPerCsm:
    day: date | None = None
    rows: list[OwnerArr] | None = None
    figure: MetricFigure | None = None  # the engine's arr_per_csm of the day


def arr_per_csm() -> ArrPerCsm:
    """ARR of active accounts by owner CSM on the latest day the engine computed (the `arr`
    and `active_accounts` figures cut by owner), with the accounts nobody owns (three
    queries)."""
    latest = MetricFigure.objects.filter(grain="day", metric="arr").aggregate(day=Max("period"))[
        "day"
    ]
    if latest is None:
        return ArrPerCsm()
    figures = MetricFigure.objects.filter(
        grain="day",
        period=latest,
        metric__in=["arr", "active_accounts", "arr_per_csm"],
        dimension__in=[Dimension.ALL, Dimension.OWNER],
    )
    by_owner: dict[str, dict] = {}
    total_arr, total_accounts, per_csm = Decimal(0), 0, None
    for figure in figures:
        if figure.dimension == Dimension.ALL:
            if figure.metric == "arr":
                total_arr = figure.value or Decimal(0)
            elif figure.metric == "active_accounts":
                total_accounts = int(figure.value or 0)
            else:
                per_csm = figure
            continue
        by_owner.setdefault(figure.key, {})[figure.metric] = figure.value
    ids = [int(key) for key in by_owner if key.isdigit()]
    names = {
        m.pk: m.user.get_full_name() or m.user.email
        for m in Membership.objects.filter(pk__in=ids).select_related("user")
    }
    rows = [
        OwnerArr(
            names.get(int(key), f"#{key}") if key.isdigit() else key,
            int(key) if key.isdigit() else None,
            values.get("arr") or Decimal(0),
            int(values.get("active_accounts") or 0),
        )
        for key, values in by_owner.items()
        if values.get("arr")
    ]
    rows.sort(key=lambda row: (-row.arr, row.label.lower()))
    unowned_arr = total_arr - sum((row.arr for row in rows), Decimal(0))
    if unowned_arr > 0:
        unowned = total_accounts - sum(row.accounts for row in rows)
        rows.append(OwnerArr("", None, unowned_arr, unowned))
    return ArrPerCsm(latest, rows, per_csm)
