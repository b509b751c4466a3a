"""The portfolio's rows: every account with its health, trend, MRR, renewal, onboarding
progress, last activity and NPS, filtered, sorted and paginated in SQL.

One query per page (plus the count): each column is a correlated subquery that reads one
account's rows through an index on (tenant, account, ...), so PostgreSQL computes them only
for the page's rows unless the page is filtered or sorted by them; the first page, sorted by
name, reads its 50 accounts from the (tenant, name, id) index. What filters every account
reads every account's row once: the band joins the rows of the tenant's latest scored day, and
the renewal window is a semi-join on the terms ending in it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round

from accounts.models import Account, NpsResponse, Subscription
from health.models import HealthScore
from health.models.score import Band
from metrics.models import AccountDay
from onboarding.models import Plan, PlanStep
from onboarding.models.plan import PlanStatus, StepStatus
from tenants.charts.sparkline import sparkline
from tenants.templatetags.l10n_extras import number

TREND_DAYS = 7
NPS_DAYS = 365

# Sort keys of the page's columns -> the expressions ordered by (account name breaks ties).
SORTS = {
    "name": "name",
    "band": "band_rank",
    "score": "health_score",
    "trend": "health_trend",
    "mrr": "current_mrr",
    "renewal": "renewal_on",
    "owner": "owner__user__email",
    "onboarding": "onboarding_progress",
    "activity": "last_active_on",
    "nps": "nps",
}
BAND_RANK = {Band.POOR: 1, Band.AVERAGE: 2, Band.GOOD: 3}


@dataclass(frozen=True)
class PortfolioFilters:
    search: str = ""
    bands: tuple[str, ...] = ()
    segment: str = ""
    owner_id: int | None = None  # a membership
    unowned: bool = False
    stage: str = ""
    renewal_days: int | None = None  # renewing within this many days
    sort: str = "name"
    descending: bool = False


def _scored_day(on_or_before: date) -> Subquery:
    """The tenant's latest scored day up to `on_or_before`: one step down the (tenant, day)
    index."""
    days = HealthScore.objects.filter(day__lte=on_or_before).order_by("-day")
    return Subquery(days.values("day")[:1])


def _score_of(relation: str, history: QuerySet, field: str) -> Case:
    """`field` of the account's score joined as `relation` (the tenant's latest scored day), else
    of its latest score in `history`: an account left unscored that day (churned) keeps the
    score of its last scored day."""
    return Case(
        When(**{f"{relation}__isnull": False}, then=F(f"{relation}__{field}")),
        default=Subquery(history.values(field)[:1]),
    )


def _health(today: date, *, join_now: bool, join_then: bool) -> tuple[dict, dict]:
    """The relations (aliases) and columns of the account's latest score and of its latest score
    a week before.

    A page of 50 accounts reads each one's latest score through the (tenant, account, day)
    index. A filter or sort by health needs every account's: then the rows of the tenant's
    latest scored day are joined (one pass through the (tenant, day) index, where a lookup per
    account would read every account's history), and the history is read only for accounts
    without a row that day."""
    week_ago = today - timedelta(days=TREND_DAYS)
    scores = HealthScore.objects.filter(account=OuterRef("pk"), day__lte=today).order_by("-day")
    before = HealthScore.objects.filter(account=OuterRef("pk"), day__lte=week_ago).order_by("-day")
    relations = {}
    for name, day, join in (("health_now", today, join_now), ("health_then", week_ago, join_then)):
        if join:
            relations[name] = FilteredRelation(
                "health_scores",
                condition=Q(health_scores__tenant=F("tenant"), health_scores__day=_scored_day(day)),
            )

    def column(relation: str, history: QuerySet, field: str):
        if relation in relations:
            return _score_of(relation, history, field)
        return Subquery(history.values(field)[:1])

    columns = {
        "health_score": column("health_now", scores, "score"),
        "health_band": column("health_now", scores, "band"),
        "health_week_ago": column("health_then", before, "score"),
    }
    return relations, columns


def _money(today: date) -> dict:
    active = Subscription.objects.filter(account=OuterRef("pk")).active_on(today)
    mrr = active.values("account").annotate(total=Sum("mrr")).values("total")
    # The renewal is the end of the current term: the earliest end among the active terms.
    renewal = active.filter(end_date__isnull=False).order_by("end_date").values("end_date")[:1]
    return {
        "current_mrr": Coalesce(
            Subquery(mrr, output_field=DecimalField()), Value(0), output_field=DecimalField()
        ),
        "renewal_on": Subquery(renewal),
    }


def _onboarding() -> dict:
    # The account's running plan, else its latest one (a completed plan reads 100%).
    plans = Plan.objects.filter(account=OuterRef("pk")).exclude(status=PlanStatus.STOPPED)
    plans = plans.order_by(
        Case(When(status=PlanStatus.RUNNING, then=0), default=1), "-started_on", "-id"
    )
    steps = PlanStep.objects.filter(plan=OuterRef("onboarding_plan"), required=True).exclude(
        status=StepStatus.REMOVED
    )
    progress = (
        steps.values("plan")
        .annotate(
            p=Round(
                Count("pk", filter=Q(status=StepStatus.DONE)) * 100.0 / Count("pk"),
                output_field=IntegerField(),
            )
        )
        .values("p")
    )
    return {
        "onboarding_plan": Subquery(plans.values("pk")[:1]),
        "onboarding_progress": Subquery(progress, output_field=IntegerField()),
    }


def _activity(today: date) -> dict:
    days = AccountDay.objects.filter(account_id=OuterRef("pk"), events__gt=0, day__lte=today)
    return {"last_active_on": Subquery(days.order_by("-day").values("day")[:1])}


def _nps(today: date) -> dict:
    """The account's NPS over the last year's answers: % promoters minus % detractors."""
    answers = NpsResponse.objects.filter(
        account=OuterRef("pk"), answered_at__date__gt=today - timedelta(days=NPS_DAYS)
    )
    nps = (
        answers.values("account")
        .annotate(
            n=Round(
                (Count("pk", filter=Q(score__gte=9)) - Count("pk", filter=Q(score__lte=6)))
                * 100.0
                / Count("pk"),
                output_field=IntegerField(),
            )
        )
        .values("n")
    )
    return {"nps": Subquery(nps, output_field=IntegerField())}


def portfolio_rows(*, today: date, filters: PortfolioFilters) -> QuerySet[Account]:
    """The accounts of the active tenant as the portfolio lists them, filtered and sorted."""
    health_relations, health = _health(
        today,
        join_now=bool(filters.bands) or filters.sort in ("band", "score", "trend"),
        join_then=filters.sort == "trend",
    )
    rows = (
        Account.objects.select_related("owner__user", "parent")
        .alias(**health_relations)
        .annotate(**health, **_money(today), **_onboarding(), **_activity(today), **_nps(today))
    )
    rows = rows.annotate(
        health_trend=F("health_score") - F("health_week_ago"),
        band_rank=Case(
            *(When(health_band=band, then=Value(rank)) for band, rank in BAND_RANK.items()),
            default=None,
            output_field=IntegerField(),
        ),
    )
    if filters.search:
        rows = rows.filter(
            Q(name__icontains=filters.search)
            | Q(domain__icontains=filters.search)
            | Q(external_id=filters.search)
        )
    if filters.bands:
        rows = rows.filter(health_band__in=filters.bands)
    if filters.segment:
        rows = rows.filter(segment=filters.segment)
    if filters.unowned:
        rows = rows.filter(owner__isnull=True)
    elif filters.owner_id is not None:
        rows = rows.filter(owner_id=filters.owner_id)
    if filters.stage:
        rows = rows.filter(lifecycle_stage=filters.stage)
    if filters.renewal_days is not None:
        # The renewal (the earliest end of the active terms) is after today: it falls in the
        # window when an active term ends in it, a semi-join rather than a renewal per account.
        ending = Subscription.objects.filter(
            account=OuterRef("pk"), end_date__lte=today + timedelta(days=filters.renewal_days)
        ).active_on(today)
        rows = rows.filter(Exists(ending))
    column = F(SORTS[filters.sort])
    order = column.desc(nulls_last=True) if filters.descending else column.asc(nulls_last=True)
    return rows.order_by(order, "name", "id")


def score_sparks(accounts: list[Account], *, today: date) -> None:
    """Give each account of a page `spark`: its scores of the trend's days as a sparkline
    (one query for the page, through the (tenant, account, day) index)."""
    first = today - timedelta(days=TREND_DAYS + 1)
    days = [first + timedelta(days=n) for n in range(TREND_DAYS + 1)]
    scores = {}
    if accounts:
        rows = HealthScore.objects.filter(
            account_id__in=[account.pk for account in accounts], day__gte=first, day__lt=today
        ).values_list("account_id", "day", "score")
        scores = {(account_id, day): score for account_id, day, score in rows}
    for account in accounts:
        account.spark = sparkline([scores.get((account.pk, day)) for day in days])


def row_display(accounts: list[Account]) -> None:
    """Give each account of a page its figures as the table writes them: `mrr_display`, the
    MRR as the active language groups it (CLDR: "1,234.50", "1 234,50", "1.234,50"), and
    `renewal_iso` and `active_iso`, the days as "2026-12-03" (the cells' text and their
    datetime attribute). Formatted once here rather than through template filters in every
    row."""
    for account in accounts:
        account.mrr_display = number(account.current_mrr, 2)
        account.renewal_iso = account.renewal_on.isoformat() if account.renewal_on else ""
        account.active_iso = account.last_active_on.isoformat() if account.last_active_on else ""
