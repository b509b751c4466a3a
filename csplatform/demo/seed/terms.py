"""Subscription terms of one account: renewals (on time, late, early), plan changes, churn.

The simulation runs past the end of the period for the term in force then, so an account
that will not renew is known in advance and its usage can already decline (an at-risk
account the health score should flag). Only terms starting inside the period are stored.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from accounts.models import Subscription
from csplatform.demo.seed.calendar import add_months
from csplatform.demo.seed.catalog import TIER_FLOORS, TIERS, YEARLY_DISCOUNT


@dataclass
class Term:
    start: date
    end: date
    plan: str
    mrr_cents: int  # in the tenant's currency
    status: str


@dataclass
class TermHistory:
    terms: list[Term]
    churn_date: date | None  # end of the last term when it is not renewed, maybe after the period
    yearly: bool  # billing of the last term


def terms_simulate(
    rng: np.random.Generator,
    *,
    first_start: date,
    tier_index: int,
    health: float,
    period_end: date,
    scale: int,
) -> TermHistory:
    tier = TIERS[tier_index]
    yearly = bool(rng.random() < tier.yearly_share)
    prices = np.array(tier.prices, dtype=np.float64)
    cheaper_first = 1.0 / np.arange(1, len(prices) + 1) ** 0.7
    mrr = float(rng.choice(prices, p=cheaper_first / cheaper_first.sum()))
    if yearly:
        mrr = round(mrr * YEARLY_DISCOUNT, 2)
    terms: list[Term] = []
    start, churn_date = first_start, None
    while start <= period_end:
        end = add_months(start, 12 if yearly else 1)
        terms.append(Term(start, end, _plan(mrr, yearly), round(mrr * scale * 100), ""))
        if rng.random() < _churn_probability(yearly, health, len(terms)):
            churn_date = end
            break
        start = end + timedelta(days=_renewal_shift(rng, yearly))
        mrr = _next_mrr(rng, mrr, yearly, health)
        if not yearly and len(terms) >= 2 and rng.random() < 0.03:
            yearly, mrr = True, round(mrr * YEARLY_DISCOUNT, 2)  # converted to an annual plan
    _set_statuses(terms, churn_date, period_end)
    return TermHistory(terms=terms, churn_date=churn_date, yearly=yearly)


def _plan(mrr: float, yearly: bool) -> str:
    monthly_equivalent = mrr / YEARLY_DISCOUNT if yearly else mrr
    tier = max(i for i, floor in enumerate(TIER_FLOORS) if monthly_equivalent >= floor)
    return f"{TIERS[tier].name} {'Annual' if yearly else 'Monthly'}"


def _churn_probability(yearly: bool, health: float, term_number: int) -> float:
    risk = (1.0 - health) ** 2.5  # churn is mostly the unhealthy accounts' doing
    if yearly:
        return 0.02 + 0.7 * risk
    early_life = 1.8 if term_number <= 3 else 1.0  # most monthly churn is in the first months
    return (0.004 + 0.18 * risk) * early_life


def _renewal_shift(rng: np.random.Generator, yearly: bool) -> int:
    """Days between a term's end and its renewal's start: 0, late (in the grace window), early."""
    draw = rng.random()
    if yearly:
        if draw < 0.65:
            return 0
        return int(rng.integers(1, 22)) if draw < 0.85 else -int(rng.integers(1, 15))
    if draw < 0.91:
        return 0
    return int(rng.integers(1, 6)) if draw < 0.97 else -int(rng.integers(1, 4))


def _next_mrr(rng: np.random.Generator, mrr: float, yearly: bool, health: float) -> float:
    upsell = (0.28 if yearly else 0.04) * (0.5 + health)
    downgrade = (0.08 if yearly else 0.015) * (1.5 - health)
    draw = rng.random()
    if draw < upsell:
        mrr *= rng.uniform(1.1, 1.6 if yearly else 1.5)
    elif draw < upsell + downgrade:
        mrr *= rng.uniform(0.6 if yearly else 0.7, 0.9)
    elif yearly:
        mrr *= 1.0 + float(rng.choice([0.0, 0.0, 0.03, 0.05]))  # list-price uplifts
    return round(mrr, 2)


def _set_statuses(terms: list[Term], churn_date: date | None, period_end: date) -> None:
    for term in terms:
        in_force = term.end > period_end
        term.status = Subscription.Status.ACTIVE if in_force else Subscription.Status.ENDED
    if churn_date is not None and churn_date <= period_end:
        terms[-1].status = Subscription.Status.CANCELLED
