"""Backtesting the tenant's scorecards against churn, and applying suggested weights.

For each of the last 12 month starts: the accounts active that day, their scores that day
(the stored scores, and for accounts with no stored score that day, scores computed now
with the current scorecards and not stored), and whether each churned in the 90 days after.
Each scorecard is judged on the accounts it scored; its latest result is kept (one Backtest
row per scorecard)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from health import backtest
from health.models import Backtest, HealthScore, Scorecard, ScorecardVersion
from health.services.defaults import scorecards_ensure_defaults
from health.services.scorecards import scorecard_snapshot, scorecard_update
from health.services.scores import health_scores_preview
from metrics.selectors import accounts_active_on, churn_days, metrics_state
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope


@dataclass(frozen=True)
class _Scored:
    account: int
    scorecard: int | None
    score: int | None
    band: str | None
    parts: list


def _scores_on(tenant: Tenant, day: date, accounts: set[int], card_of_version) -> list[_Scored]:
    """The accounts' scores of `day`: the stored ones, and those of accounts with no stored
    score that day (all of them when the day was never scored) computed now."""
    stored = list(
        HealthScore.objects.for_tenant(tenant)
        .filter(day=day, account_id__in=accounts)
        .select_related("scorecard_version")
    )
    missing = sorted(accounts - {row.account_id for row in stored})
    if missing:
        stored += health_scores_preview(tenant=tenant, day=day, account_ids=missing)
    return [
        _Scored(
            row.account_id,
            card_of_version(row.scorecard_version_id),
            row.score,
            row.band,
            row.parts if row.score is not None else [],
        )
        for row in stored
    ]


def _samples(tenant: Tenant, starts: list[date], churn: dict[int, list[date]]):
    """{scorecard id: [Sample]} and {scorecard id: {month start: unscored accounts}}."""
    active = accounts_active_on(tenant=tenant, days=starts)
    versions: dict[int, int | None] = {}

    def card_of_version(version_id: int) -> int | None:
        if version_id not in versions:
            versions.update(
                ScorecardVersion.objects.for_tenant(tenant).values_list("pk", "scorecard_id")
            )
        return versions.get(version_id)

    samples: dict[int, list[backtest.Sample]] = {}
    unscored: dict[int, dict[date, int]] = {}
    for start in starts:
        for row in _scores_on(tenant, start, active[start], card_of_version):
            if row.scorecard is None:
                continue  # scored by a scorecard deleted since
            if row.score is None:
                per_card = unscored.setdefault(row.scorecard, {})
                per_card[start] = per_card.get(start, 0) + 1
                continue
            samples.setdefault(row.scorecard, []).append(
                backtest.Sample(
                    month_start=start,
                    account=row.account,
                    score=row.score,
                    band=row.band,
                    churned=backtest.churned_within(churn.get(row.account, ()), start),
                    measures={part["source"]: part["score"] for part in row.parts},
                )
            )
    return samples, unscored


def backtests_refresh(*, tenant: Tenant, today: date | None = None) -> list[Backtest]:
    """Backtest every scorecard of the tenant now, replacing each one's previous result."""
    with tenant_scope(tenant):
        scorecards_ensure_defaults(tenant=tenant)
        today = today or tenant.today()
        state = metrics_state()
        last_known = state.computed_through if state is not None else None
        starts = backtest.month_starts(today)
        churn = churn_days(tenant=tenant, first=starts[0], last=backtest.window_end(starts[-1]))
        samples, unscored = _samples(tenant, starts, churn)
        closed = [s for s in starts if last_known and backtest.window_closed(s, last_known)]
        return [
            _store(
                tenant,
                card,
                samples.get(card.pk, []),
                unscored.get(card.pk, {}),
                starts,
                closed,
                last_known,
            )  # fmt: skip
            for card in Scorecard.objects.for_tenant(tenant).prefetch_related("measures")
        ]


@transaction.atomic
def _store(tenant, card, samples, unscored, starts, closed, last_known) -> Backtest:
    summary = backtest.summarise(samples, starts, last_known or date.min, unscored)
    weights = {m.source: float(m.weight) for m in card.measures.all()}
    suggestion = backtest.suggest_weights(samples, weights, closed)
    version = ScorecardVersion.objects.for_tenant(tenant).get(scorecard=card, number=card.version)
    row, _ = Backtest.objects.for_tenant(tenant).update_or_create(
        scorecard=card,
        defaults={
            "scorecard_version": version,
            "computed_at": timezone.now(),
            "last_known_day": last_known,
            "auc": summary.auc,
            "accounts": summary.accounts,
            "churned": summary.churned,
            "bands": summary.bands,
            "months": summary.months,
            "suggestion": suggestion.as_json(),
        },
    )
    return row


@transaction.atomic
def suggested_weights_apply(
    *, tenant: Tenant, scorecard: Scorecard, created_by: Membership | None = None
) -> Scorecard:
    """Give the scorecard the weights its latest backtest suggests, recorded as a new version
    noted "suggested weights applied". A measure suggested 0 is left out of the scorecard
    (measure weights are above 0; the previous version keeps it)."""
    with tenant_scope(tenant):
        result = (
            Backtest.objects.for_tenant(tenant)
            .select_related("scorecard_version")
            .filter(scorecard=scorecard)
            .first()
        )
        suggested = (result.suggestion or {}).get("suggested_weights") if result else None
        if not suggested:
            raise ValidationError(
                {"suggested_weights": _("There is no suggestion for this scorecard yet.")}
            )
        current = Scorecard.objects.for_tenant(tenant).get(pk=scorecard.pk)
        if result.scorecard_version.number != current.version:
            message = _(
                "The scorecard has changed since the suggestion was made; it is made again "
                "with the next backtest."
            )
            raise ValidationError({"suggested_weights": message})
        measures = scorecard_snapshot(current, list(current.measures.all()))["measures"]
        kept = [
            {**measure, "weight": str(suggested[measure["source"]])}
            for measure in measures
            if suggested.get(measure["source"], 0) > 0
        ]
        return scorecard_update(
            tenant=tenant,
            scorecard=current,
            measures=kept,
            created_by=created_by,
            note=_("Suggested weights applied"),
        )
