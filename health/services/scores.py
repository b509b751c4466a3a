"""The exact path of health scores: the scorecard each account gets, and scores computed
one account at a time (on demand, and for days a backtest needs that were never stored).
Whole days and ranges of days are scored set-based by health.services.score_history."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from accounts.models import Account
from health import scoring
from health.models import HealthScore, Scorecard, ScorecardVersion
from health.raw_values import AccountFacts, accounts_facts, raw_values
from health.services.defaults import scorecards_ensure_defaults
from metrics.engine.run import tenant_lock
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

BATCH = 2000


@dataclass(frozen=True)
class Card:
    """A scorecard ready to score with: its current version and rules."""

    scorecard: Scorecard
    version: ScorecardVersion
    rules: list[scoring.Rule]

    @property
    def version_id(self) -> int:
        return self.version.pk

    def matches(self, account: AccountFacts) -> bool:
        card = self.scorecard
        return (not card.segment or card.segment == account.segment) and (
            not card.lifecycle_stage or card.lifecycle_stage == account.lifecycle_stage
        )


def scorecards_in_order(tenant: Tenant) -> list[Card]:
    """The tenant's scorecards as tried: others by priority (lower first), the default last."""
    scorecards_ensure_defaults(tenant=tenant)
    cards = list(Scorecard.objects.for_tenant(tenant).prefetch_related("measures"))
    wanted = {(card.pk, card.version) for card in cards}
    versions = {
        (version.scorecard_id, version.number): version
        for version in ScorecardVersion.objects.for_tenant(tenant).filter(scorecard__in=cards)
        if (version.scorecard_id, version.number) in wanted
    }
    cards.sort(key=lambda card: (card.is_default, card.priority, card.pk))
    return [
        Card(card, versions[(card.pk, card.version)], [_rule(m) for m in card.measures.all()])
        for card in cards
    ]


def _rule(measure) -> scoring.Rule:
    return scoring.Rule(
        source=measure.source,
        weight=measure.weight,
        mapping=measure.mapping,
        low=measure.low,
        high=measure.high,
        thresholds=measure.thresholds,
        missing=measure.missing,
    )


def card_for(cards: list[Card], account: AccountFacts) -> Card:
    """The first matching scorecard in priority order, else the default (always last)."""
    for card in cards:
        if card.scorecard.is_default or card.matches(account):
            return card
    raise LookupError("The tenant has no default scorecard.")


def _score_rows(tenant: Tenant, day: date, facts: list[AccountFacts]) -> list[HealthScore]:
    cards = scorecards_in_order(tenant)
    raws = raw_values(tenant, day, [account.id for account in facts])
    rows = []
    for account in facts:
        card = card_for(cards, account)
        result = scoring.combine(
            card.rules,
            raws[account.id],
            good_min=card.scorecard.good_min,
            average_min=card.scorecard.average_min,
        )
        rows.append(
            HealthScore(
                tenant=tenant,
                account_id=account.id,
                day=day,
                scorecard_version=card.version,
                score=result.score,
                band=result.band,
                raws=[part.raw for part in result.parts],
            )
        )
    return rows


@transaction.atomic
def health_score_for_account(*, tenant: Tenant, account: Account, day: date) -> HealthScore:
    """Score one account for `day` now (replacing its row of that day) and return it.
    Holds the metrics' tenant lock, as the nightly scoring does, so the two never replace
    the same row at once (raises MetricsBusy while a run holds it)."""
    with tenant_scope(tenant), tenant_lock(tenant):
        (row,) = _score_rows(tenant, day, accounts_facts(tenant, [account.pk]))
        HealthScore.objects.for_tenant(tenant).filter(account_id=account.pk, day=day).delete()
        row.save()
    return row


def health_scores_preview(
    *, tenant: Tenant, day: date, account_ids: list[int] | None = None
) -> list[HealthScore]:
    """The scores of `day` (all accounts, or those
    given), computed with the current scorecards and not stored: for days with no stored
    scores, such as a backtest's past month starts."""
    with tenant_scope(tenant):
        return _score_rows(tenant, day, accounts_facts(tenant, account_ids))
