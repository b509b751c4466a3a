"""Everything about one account (company, contacts, terms, usage, NPS, notes, churn), in memory.

`account_build` is pure: it needs no database and its result depends only on the seed, the
account's ordinal and the shared context, so the writer can turn it into rows later.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from accounts.models import LifecycleStage
from csplatform.demo.seed import catalog
from csplatform.demo.seed.calendar import Period, months_between
from csplatform.demo.seed.names import CompanyNames, person_names
from csplatform.demo.seed.population import rng_for
from csplatform.demo.seed.surveys import Answer, Note, answers_generate, notes_generate
from csplatform.demo.seed.terms import Term, terms_simulate
from csplatform.demo.seed.usage import Decline, Usage, feature_mix, usage_generate


@dataclass(frozen=True)
class Context:
    """What every account of a run shares."""

    seed: int
    period: Period
    scale: int  # currency multiplier (catalog.CURRENCY_SCALE)
    owners: list[int | None]  # membership ids that may own accounts
    owner_weights: np.ndarray
    reasons: list[tuple[int, str, str]]  # (id, key, label) of the tenant's active churn reasons
    names: CompanyNames = field(default_factory=CompanyNames)


@dataclass(frozen=True)
class Contact:
    external_id: str
    name: str
    email: str
    traits: dict


@dataclass(frozen=True)
class Churn:
    day: int
    reason_id: int | None
    note: str
    tenure_months: int
    last_mrr_cents: int
    engagement_trend: list[int]


@dataclass(frozen=True)
class AccountSpec:
    ordinal: int
    external_id: str
    name: str
    domain: str
    segment: str
    owner_id: int | None
    lifecycle_stage: str
    traits: dict
    start_day: int
    contacts: list[Contact]
    terms: list[Term]
    usage: Usage
    answers: list[Answer]
    notes: list[Note]
    churn: Churn | None


def account_build(
    ctx: Context, *, ordinal: int, start_day: int, tier_index: int, health: float
) -> AccountSpec:
    rng = rng_for(ctx.seed, 1, ordinal)
    period, tier = ctx.period, catalog.TIERS[tier_index]
    name, domain = ctx.names.take(rng)
    segments, shares = zip(*tier.segments, strict=True)
    segment = segments[rng.choice(len(segments), p=shares)]
    owner_id = ctx.owners[rng.choice(len(ctx.owners), p=ctx.owner_weights)]
    history = terms_simulate(
        rng,
        first_start=period.date(start_day),
        tier_index=tier_index,
        health=health,
        period_end=period.end,
        scale=ctx.scale,
    )
    churn_day = None if history.churn_date is None else period.day(history.churn_date)
    decline = _decline(rng, churn_day, health)

    count = int(rng.integers(tier.contacts[0], tier.contacts[1] + 1))
    # Daily presence: the champion most days, the others now and then.
    weights = np.concatenate(([0.45 + 0.35 * health], rng.beta(1.2, 5.0, count - 1)))
    weights[1:] *= 0.4 + 0.5 * health
    contacts = _contacts(rng, ordinal, domain, count)
    stop_day = period.days if churn_day is None else min(churn_day, period.days)
    usage = usage_generate(
        rng,
        period=period,
        first_day=start_day,
        stop_day=stop_day,
        health=health,
        contact_weights=weights,
        mix=feature_mix(rng, health),
        growth=float(rng.normal(0.35 * health - 0.1, 0.1)),
        ttfv_days=int(rng.gamma(2.0, 1.0 + 6.0 * (1.0 - health))),
        decline=decline,
    )
    answers = answers_generate(
        rng,
        first_day=start_day,
        stop_day=stop_day,
        health=health,
        contact_weights=weights,
        decline=decline,
    )
    churn = None
    if churn_day is not None and churn_day < period.days:
        churn = _churn(ctx, rng, history.terms, churn_day, health, usage.active_days)
    champion = contacts[0].name
    notes = notes_generate(
        rng,
        first_day=start_day,
        stop_day=stop_day,
        champion=champion,
        health=health,
        large=tier_index > 0,
        decline=decline,
        churn_note=None if churn is None else churn.note,
    )
    return AccountSpec(
        ordinal=ordinal,
        external_id=f"demo-acc-{ordinal:06d}",
        name=name,
        domain=domain,
        segment=segment,
        owner_id=owner_id,
        lifecycle_stage=_stage(period, start_day, history.terms, churn, history.yearly),
        traits=_traits(rng, segment),
        start_day=start_day,
        contacts=contacts,
        terms=history.terms,
        usage=usage,
        answers=answers,
        notes=notes,
        churn=churn,
    )


def _decline(rng: np.random.Generator, churn_day: int | None, health: float) -> Decline | None:
    if churn_day is None:
        return None
    # Healthy accounts that leave (budget, went out of business) fade less, some not at all.
    floor = 0.85 if health > 0.75 and rng.random() < 0.35 else 0.05 + 0.25 * health
    return Decline(churn_day=churn_day, days=int(rng.integers(40, 81)), floor=floor)


def _contacts(rng: np.random.Generator, ordinal: int, domain: str, count: int) -> list[Contact]:
    contacts = []
    for index, (name, email) in enumerate(person_names(rng, count, domain)):
        titles = catalog.CHAMPION_TITLES if index == 0 else catalog.TITLES
        traits = {
            "title": titles[rng.integers(len(titles))],
            "role": "admin" if not index else "user",
        }
        contacts.append(Contact(f"demo-ct-{ordinal:06d}-{index + 1:02d}", name, email, traits))
    return contacts


def _churn(
    ctx: Context,
    rng: np.random.Generator,
    terms: list[Term],
    churn_day: int,
    health: float,
    active_days: np.ndarray,
) -> Churn:
    table = catalog.REASON_WEIGHTS_AT_RISK if health < 0.5 else catalog.REASON_WEIGHTS_HEALTHY
    weights = np.array([table.get(key, catalog.OTHER_REASON_WEIGHT) for _, key, _ in ctx.reasons])
    reason_id, note = None, "Cancelled without giving details."
    if len(ctx.reasons):
        reason_id, key, label = ctx.reasons[rng.choice(len(ctx.reasons), p=weights / weights.sum())]
        note = catalog.CHURN_NOTES.get(key, f"{label}.")
    edges = [churn_day - 90, churn_day - 60, churn_day - 30, churn_day]
    trend = np.histogram(active_days, bins=edges)[0] if len(active_days) else np.zeros(3)
    return Churn(
        day=churn_day,
        reason_id=reason_id,
        note=note,
        tenure_months=months_between(terms[0].start, ctx.period.date(churn_day)),
        last_mrr_cents=terms[-1].mrr_cents,
        engagement_trend=[int(n) for n in trend],
    )


def _stage(
    period: Period, start_day: int, terms: list[Term], churn: Churn | None, yearly: bool
) -> str:
    if churn is not None:
        return LifecycleStage.CHURNED
    if period.days - start_day <= 45:
        return LifecycleStage.ONBOARDING
    ends: list[date] = [term.end for term in terms if term.end > period.end]
    if yearly and ends and (min(ends) - period.end).days <= 60:
        return LifecycleStage.RENEWAL
    return LifecycleStage.ADOPTION


def _traits(rng: np.random.Generator, segment: str) -> dict:
    low, high = catalog.EMPLOYEES[segment]
    employees = int(np.exp(rng.uniform(np.log(low), np.log(high))))
    return {
        "industry": catalog.INDUSTRIES[rng.integers(len(catalog.INDUSTRIES))],
        "employees": employees,
        "country": catalog.COUNTRIES[rng.integers(len(catalog.COUNTRIES))],
        "source": ("inbound", "outbound", "partner", "self-serve")[rng.integers(4)],
    }
