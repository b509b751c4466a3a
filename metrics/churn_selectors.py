"""Reads of the churn page: the churn records of a period, their reasons, tenure at churn and
the engagement trend before churn against retained accounts over the same windows.

The churn records are the engine's (metrics/engine/churn.py): churn date, tenure, last MRR
and active days per 30-day window over the 90 days before churn. The page sums them; it
never recomputes them. A fixed number of queries whatever the number of records.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Min, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Subscription
from metrics.engine.calendar import add_months
from metrics.engine.churn import TREND_DAYS, TREND_WINDOWS
from metrics.models import AccountDay, ChurnReason, ChurnRecord

PERIOD_MONTHS = (3, 6, 12)
DEFAULT_PERIOD = 6

# Tenure at churn, in whole months: (label, lowest, highest exclusive or None).
TENURE_BUCKETS = [
    (_("Under 3 months"), 0, 3),
    (_("3–6 months"), 3, 6),
    (_("6–12 months"), 6, 12),
    (_("12–24 months"), 12, 24),
    (_("24 months or more"), 24, None),
]
TENURE_UNKNOWN = _("Tenure unknown")
NO_REASON = _("Reason not recorded")


def churn_period(today: date, months: int) -> tuple[date, date]:
    """The churn days shown for "the last `months` months": the same day `months` back to
    today, both included."""
    back = add_months(today, -months)
    # add_months works on first days; keep today's day of month where the month has it.
    last_day = (add_months(back, 1) - timedelta(days=1)).day
    return back.replace(day=min(today.day, last_day)), today


def churn_records(since: date, until: date) -> QuerySet[ChurnRecord]:
    """The period's churn records, newest first, with their account and reason (one query)."""
    return (
        ChurnRecord.objects.filter(churned_on__range=(since, until))
        .select_related("account", "reason")
        .order_by("-churned_on", "-id")
    )


@dataclass
class ReasonRow:
    key: str  # the reason's key, "" for records without one
    label: str
    count: int = 0
    lost_mrr: Decimal = Decimal(0)
    share: float = 0.0  # of the period's records, 0 to 1


def reason_breakdown(records: list[ChurnRecord]) -> list[ReasonRow]:
    """Records and lost MRR (last MRR before churn) per reason, most records first; records
    without a reason last, as "Reason not recorded"."""
    rows: dict[int | None, ReasonRow] = {}
    for record in records:
        reason = record.reason
        if record.reason_id not in rows:
            rows[record.reason_id] = (
                ReasonRow("", str(NO_REASON))
                if reason is None
                else ReasonRow(reason.key, reason.label)
            )
        row = rows[record.reason_id]
        row.count += 1
        row.lost_mrr += record.last_mrr or Decimal(0)
    total = len(records)
    for row in rows.values():
        row.share = row.count / total
    recorded = sorted(
        (row for key, row in rows.items() if key is not None),
        key=lambda row: (-row.count, -row.lost_mrr, row.label.lower()),
    )
    return recorded + ([rows[None]] if None in rows else [])


@dataclass
class TenureRow:
    label: str
    count: int = 0
    share: float = 0.0


def tenure_buckets(records: list[ChurnRecord]) -> list[TenureRow]:
    """How many records fall in each tenure bucket; an "unknown" row only when some lack it."""
    rows = [TenureRow(str(label)) for label, _low, _high in TENURE_BUCKETS]
    unknown = TenureRow(str(TENURE_UNKNOWN))
    for record in records:
        months = record.tenure_months
        if months is None:
            unknown.count += 1
            continue
        for row, (_label, low, high) in zip(rows, TENURE_BUCKETS, strict=True):
            if months >= low and (high is None or months < high):
                row.count += 1
                break
    if unknown.count:
        rows.append(unknown)
    total = len(records)
    for row in rows:
        row.share = row.count / total if total else 0.0
    return rows


@dataclass
class EngagementWindow:
    label: str
    churned: float | None  # average active days of churned accounts in the window
    retained: float | None  # the same for retained accounts, over the same calendar days


@dataclass
class Engagement:
    windows: list[EngagementWindow] = field(default_factory=list)
    churned_accounts: int = 0
    retained_accounts: int = 0


WINDOW_LABELS = [
    _("90–61 days before churn"),
    _("60–31 days before churn"),
    _("30–1 days before churn"),
]


def engagement_before_churn(records: list[ChurnRecord], since: date, until: date) -> Engagement:
    """Average active days per 30-day window over the 90 days before churn (oldest window
    first), for the churned accounts (their stored trends) and for the retained accounts
    over the same days (two queries).

    Retained accounts: active today, with a term that started before the earliest window and
    no churn in the period, so every one of them was a customer on every day compared.
    """
    trends = [r.engagement_trend for r in records if len(r.engagement_trend) == TREND_WINDOWS]
    span = TREND_WINDOWS * TREND_DAYS
    first = since - timedelta(days=span)
    customers = (
        Subscription.objects.values("account_id")
        .annotate(first_start=Min("start_date"))
        .filter(first_start__lte=first)
        .values("account_id")
    )
    retained = (
        Subscription.objects.active_on(until)
        .filter(account_id__in=customers)
        .exclude(
            account_id__in=ChurnRecord.objects.filter(churned_on__gte=since).values("account_id")
        )
        .values("account_id")
        .distinct()
    )
    retained_count = retained.count()
    per_day: dict[date, int] = {}
    if trends and retained_count:
        per_day = dict(
            AccountDay.objects.filter(
                account_id__in=retained, day__range=(first, until), events__gt=0
            )
            .values("day")
            .annotate(accounts=Count("account_id", distinct=True))
            .values_list("day", "accounts")
        )
    sums = defaultdict(float)
    if retained_count:
        for record in records:
            if len(record.engagement_trend) != TREND_WINDOWS:
                continue
            for index in range(TREND_WINDOWS):
                start = record.churned_on - timedelta(days=span - index * TREND_DAYS)
                days = (start + timedelta(days=offset) for offset in range(TREND_DAYS))
                sums[index] += sum(per_day.get(day, 0) for day in days) / retained_count
    windows = [
        EngagementWindow(
            label=str(WINDOW_LABELS[index]),
            churned=(sum(t[index] for t in trends) / len(trends)) if trends else None,
            retained=(sums[index] / len(trends)) if trends and retained_count else None,
        )
        for index in range(TREND_WINDOWS)
    ]
    return Engagement(windows, len(trends), retained_count)


def churn_reason_choices(current: ChurnReason | None = None) -> QuerySet[ChurnReason]:
    """The reasons a CSM may pick: the active ones, and the record's own if retired since."""
    reasons = ChurnReason.objects.filter(is_active=True)
    if current is not None:
        reasons = reasons | ChurnReason.objects.filter(pk=current.pk)
    return reasons.order_by("label")
