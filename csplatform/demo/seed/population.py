"""The whole population drawn up front: signup day, plan tier and latent health of each account.

Drawn in one vectorised pass so that cohorts and acquisition spend are known before the
accounts are generated chunk by chunk; each account then gets its own random stream
(`rng_for(seed, 1, ordinal)`), so its rows do not depend on how the run is chunked.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np

from csplatform.demo.seed.calendar import Period
from csplatform.demo.seed.catalog import TIERS

# Each monthly cohort is this much larger than the month before (a growing business).
COHORT_GROWTH = 1.07
BASE_MONTHLY_SPEND = 2500  # agency retainers and tools, whatever the number of signups


def rng_for(seed: int, *key: int) -> np.random.Generator:
    """An independent, reproducible stream per purpose (spawn keys, as SeedSequence.spawn)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


@dataclass(frozen=True)
class Population:
    start_day: np.ndarray  # int64, ascending: account ordinal n+1 signed up on day start_day[n]
    tier: np.ndarray  # int64 index into TIERS
    health: np.ndarray  # float64 in (0, 1): high is a healthy, growing customer

    def __len__(self) -> int:
        return len(self.start_day)


def population_build(*, seed: int, count: int, period: Period) -> Population:
    rng = rng_for(seed, 0)
    months = period.months()
    lows = np.array([low for _, low, _ in months])
    lengths = np.array([high - low for _, low, high in months])
    weights = COHORT_GROWTH ** np.arange(len(months)) * lengths
    month = rng.choice(len(months), size=count, p=weights / weights.sum())
    start_day = np.sort(lows[month] + (rng.random(count) * lengths[month]).astype(np.int64))
    shares = np.array([tier.share for tier in TIERS])
    tier = rng.choice(len(TIERS), size=count, p=shares / shares.sum())
    alpha = np.array([t.health_beta[0] for t in TIERS])[tier]
    beta = np.array([t.health_beta[1] for t in TIERS])[tier]
    return Population(start_day=start_day, tier=tier, health=rng.beta(alpha, beta))


def spend_by_month(
    *, seed: int, population: Population, period: Period, scale: int
) -> list[tuple[date, int]]:
    """(month, amount in whole units): a base plus a noisy cost per new account of each tier."""
    rng = rng_for(seed, 2)
    cac = np.array([tier.cac for tier in TIERS], dtype=np.float64)[population.tier]
    result = []
    for month, low, high in period.months():
        chosen = (population.start_day >= low) & (population.start_day < high)
        full_month = (high - low) / 30.0
        amount = BASE_MONTHLY_SPEND * min(1.0, full_month) + cac[chosen].sum()
        amount *= rng.lognormal(0.0, 0.15)
        result.append((month, int(round(amount * scale, -1))))
    return result
