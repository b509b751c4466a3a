"""Reads of the health app: scorecards with their measures, versions, and scores (each a
constant number of queries, whatever the number of rows)."""

from datetime import date

from django.db.models import Max, QuerySet

from accounts.models import Account
from health.models import Backtest, HealthScore, Scorecard, ScorecardVersion


def scorecards() -> QuerySet[Scorecard]:
    """The active tenant's scorecards in priority order, measures prefetched."""
    return Scorecard.objects.prefetch_related("measures").order_by("priority", "id")


def scorecards_overview() -> QuerySet[Scorecard]:
    """The scorecards as listed: measures and latest backtest prefetched (three queries)."""
    return scorecards().prefetch_related("backtests")


def scorecard_versions() -> QuerySet[ScorecardVersion]:
    return ScorecardVersion.objects.select_related("created_by__user")


def _with_account(rows: QuerySet[HealthScore]) -> QuerySet[HealthScore]:
    return rows.select_related("account", "scorecard_version")


def scores_current() -> QuerySet[HealthScore]:
    """Each account's latest score."""
    latest = HealthScore.objects.order_by("account_id", "-day").distinct("account_id").values("pk")
    return _with_account(HealthScore.objects.filter(pk__in=latest))


def score_latest(account: Account) -> HealthScore | None:
    return _with_account(HealthScore.objects.filter(account=account)).order_by("-day").first()


def score_on(account: Account, day: date) -> HealthScore | None:
    return _with_account(HealthScore.objects.filter(account=account, day=day)).first()


def score_history(
    account: Account, since: date | None = None, until: date | None = None
) -> QuerySet[HealthScore]:
    """One account's scores, in a range of days when given."""
    rows = HealthScore.objects.filter(account=account)
    if since is not None:
        rows = rows.filter(day__gte=since)
    if until is not None:
        rows = rows.filter(day__lte=until)
    return _with_account(rows)


def backtest_latest(scorecard: Scorecard) -> Backtest | None:
    """The scorecard's latest backtest (one query)."""
    return Backtest.objects.select_related("scorecard_version").filter(scorecard=scorecard).first()


def score_day_latest() -> date | None:
    """The latest day the active tenant's accounts were scored (one query)."""
    return HealthScore.objects.aggregate(latest=Max("day"))["latest"]


def has_children(account: Account) -> bool:
    return Account.objects.filter(parent=account).exists()
