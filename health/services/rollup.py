"""Hierarchy roll-up: a parent account's score as the ARR-weighted mean of its children's
scores (and its own, when it has one) on a day.

Weights: each account's ARR on the day (12 x the MRR of its terms running that day). An
account with no ARR weighs 0, unless no account of the group has ARR: then every scored
account weighs the same (a plain mean). Accounts with no score that day (no data, "n/a")
are left out; with none scored the roll-up is n/a too, never 0.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Max, Sum

from accounts.models import Account, Subscription
from health import scoring
from health.models import Band, HealthScore
from health.raw_values import AccountFacts
from health.services.scores import card_for, scorecards_in_order
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

ARR_WEIGHTED, PLAIN_MEAN = "arr", "plain"


@dataclass(frozen=True)
class RollupMember:
    account: Account
    own: bool  # the parent itself, not a child
    score: int | None
    band: str | None
    arr: Decimal
    share: Fraction  # of the roll-up's weight (0-1); 0 when left out

    @property
    def band_label(self) -> str:
        return str(Band(self.band).label) if self.band else ""

    @property
    def share_percent(self) -> float:
        return float(self.share * 100)

    def as_json(self) -> dict:
        return {
            "account": self.account.pk,
            "account_external_id": self.account.external_id,
            "name": self.account.name,
            "own": self.own,
            "score": self.score,
            "band": self.band,
            "arr": str(self.arr),
            "weight_share": round(float(self.share), 6),
        }


@dataclass(frozen=True)
class Rollup:
    account: Account
    day: date | None
    score: int | None
    exact: Fraction | None
    band: str | None
    weighting: str  # ARR_WEIGHTED or PLAIN_MEAN
    members: list[RollupMember]  # the parent first, then its children by name

    def as_json(self) -> dict:
        return {
            "account_external_id": self.account.external_id,
            "day": self.day,
            "score": self.score,
            "exact": None if self.exact is None else round(float(self.exact), 6),
            "band": self.band,
            "weighting": self.weighting,
            "members": [member.as_json() for member in self.members],
        }


def _arr_on(tenant: Tenant, account_ids: list[int], day: date) -> dict[int, Decimal]:
    rows = (
        Subscription.objects.for_tenant(tenant)
        .active_on(day)
        .filter(account_id__in=account_ids)
        .values("account_id")
        .annotate(mrr=Sum("mrr"))
        .values_list("account_id", "mrr")
    )
    return {account_id: 12 * mrr for account_id, mrr in rows}


def _band(tenant: Tenant, account: Account, score: int | None) -> str | None:
    """The band by the cut-offs of the scorecard that scores the parent itself."""
    if score is None:
        return None
    facts = AccountFacts(account.pk, account.segment, account.lifecycle_stage)
    card = card_for(scorecards_in_order(tenant), facts)
    return scoring.band_of(
        score, good_min=card.scorecard.good_min, average_min=card.scorecard.average_min
    )


def health_rollup(*, tenant: Tenant, account: Account, day: date | None = None) -> Rollup:
    """The roll-up of `account` and its direct children on `day` (default: the latest day any
    of them was scored). A constant number of queries, whatever the number of children."""
    with tenant_scope(tenant):
        children = list(
            Account.objects.for_tenant(tenant).filter(parent=account).order_by("name", "id")
        )
        group = [account, *children]
        ids = [member.pk for member in group]
        scores = HealthScore.objects.for_tenant(tenant).filter(account_id__in=ids)
        if day is None:
            day = scores.aggregate(latest=Max("day"))["latest"]
        if day is None:
            members = [
                RollupMember(a, a is account, None, None, Decimal(0), Fraction(0)) for a in group
            ]
            return Rollup(account, None, None, None, None, ARR_WEIGHTED, members)
        by_account = defaultdict(lambda: (None, None))
        by_account.update(
            {
                account_id: (score, band)
                for account_id, score, band in scores.filter(day=day).values_list(
                    "account_id", "score", "band"
                )
            }
        )
        arr = _arr_on(tenant, ids, day)
        scored = [a for a in group if by_account[a.pk][0] is not None]
        weights = {a.pk: Fraction(arr.get(a.pk, Decimal(0))) for a in scored}
        weighting = ARR_WEIGHTED
        if scored and not any(weights.values()):
            weighting = PLAIN_MEAN
            weights = {a.pk: Fraction(1) for a in scored}
        total = sum(weights.values(), Fraction(0))
        exact = None
        if total:
            exact = sum((by_account[pk][0] * w for pk, w in weights.items()), Fraction(0)) / total
        score = None if exact is None else scoring.round_half_away(exact)
        members = [
            RollupMember(
                account=a,
                own=a is account,
                score=by_account[a.pk][0],
                band=by_account[a.pk][1],
                arr=arr.get(a.pk, Decimal(0)),
                share=weights.get(a.pk, Fraction(0)) / total if total else Fraction(0),
            )
            for a in group
        ]
        return Rollup(account, day, score, exact, _band(tenant, account, score), weighting, members)
