"""Product usage of one account, vectorised with numpy: which days, who, which features, when.

A day's activity level is an onboarding ramp x a long-term trend x a decline before churn
x noise. Healthy accounts are active most working days, by several contacts, across the
core features; at-risk accounts use few features on few days and fade in the weeks before
they leave. Events come in sessions (gaps under 30 minutes) in the tenant's working hours.
"""

from dataclasses import dataclass

import numpy as np

from csplatform.demo.seed.calendar import Period
from csplatform.demo.seed.catalog import FEATURES, ONBOARDING_WEIGHTS

EVENT_NAMES = np.array([event for event, _, _, _ in FEATURES], dtype=object)
_POPULARITY = np.array([popularity for _, _, _, popularity in FEATURES])
_CORE = np.array([core for _, _, core, _ in FEATURES])
_FEATURE = np.array([feature for _, feature, _, _ in FEATURES], dtype=object)
_CORE_FEATURES = list(dict.fromkeys(_FEATURE[_CORE]))
_OTHER_FEATURES = list(dict.fromkeys(_FEATURE[~_CORE]))
_ONBOARDING = np.array([ONBOARDING_WEIGHTS.get(event, 0.0) for event in EVENT_NAMES])
_WEEKDAY = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.08, 0.05])
_MAX_GAP_SECONDS = 25 * 60  # a session ends after 30 minutes without events
PHASE_ONBOARDING, PHASE_NORMAL, PHASE_DECLINE = 0, 1, 2


@dataclass(frozen=True)
class Usage:
    timestamp_ms: np.ndarray  # int64 UTC epoch milliseconds, ascending
    received_ms: np.ndarray  # int64, a little after the timestamp
    event: np.ndarray  # index into EVENT_NAMES
    contact: np.ndarray  # index into the account's contacts
    active_days: np.ndarray  # sorted distinct day indices with at least one event

    def __len__(self) -> int:
        return len(self.timestamp_ms)


@dataclass(frozen=True)
class Decline:
    """Usage fades linearly to `floor` over the `days` before `churn_day` (may be after the end)."""

    churn_day: int
    days: int
    floor: float

    def factor(self, days: np.ndarray) -> np.ndarray:
        return 1.0 - (1.0 - self.floor) * self.progress(days)

    def progress(self, days: np.ndarray) -> np.ndarray:
        return np.clip((days - (self.churn_day - self.days)) / self.days, 0.0, 1.0)


def feature_mix(rng: np.random.Generator, health: float) -> np.ndarray:
    """Cumulative event weights per phase (onboarding, normal, decline), shape (3, events)."""
    core_count = int(np.clip(round(1 + 3.2 * health + rng.normal(0, 0.6)), 1, len(_CORE_FEATURES)))
    other_count = int(np.clip(round(1 + 5 * health + rng.normal(0, 1)), 1, len(_OTHER_FEATURES)))
    # Everyone looks at dashboards; the other core features are adopted in rough order.
    core = [_CORE_FEATURES[0], *_pick(rng, _CORE_FEATURES[1:], core_count - 1)]
    adopted = np.isin(_FEATURE, core + _pick(rng, _OTHER_FEATURES, other_count))
    normal = _POPULARITY * adopted
    decline = normal * np.where(_CORE & (EVENT_NAMES != "dashboard_viewed"), 0.2, 1.0)
    weights = np.stack([_ONBOARDING, normal, decline])
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    cumulative[:, -1] = 1.0  # rounding must not leave a draw past the last event
    return cumulative


def _pick(rng: np.random.Generator, features: list[str], count: int) -> list[str]:
    if count <= 0:
        return []
    popularity = np.array([_POPULARITY[_FEATURE == f].sum() for f in features])
    chosen = rng.choice(len(features), size=count, replace=False, p=popularity / popularity.sum())
    return [features[i] for i in sorted(chosen)]


def usage_generate(
    rng: np.random.Generator,
    *,
    period: Period,
    first_day: int,
    stop_day: int,
    health: float,
    contact_weights: np.ndarray,
    mix: np.ndarray,
    growth: float,
    ttfv_days: int,
    decline: Decline | None,
) -> Usage:
    """Events on days [first_day, stop_day) of the period."""
    days = np.arange(first_day, max(first_day, stop_day))
    age = days - first_day
    level = (0.45 + 0.55 * np.minimum(1.0, age / 21.0)) * np.maximum(0.2, 1 + growth * age / 365)
    if decline is not None:
        level *= decline.factor(days)
    level *= rng.lognormal(0.0, 0.25, len(days))
    chance = np.clip((0.15 + 0.7 * health) * level * _WEEKDAY[period.weekday[days]], 0, 0.97)
    active = rng.random(len(days)) < chance
    days, age, level = days[active], age[active], level[active]

    # Who works that day; the champion (contact 0) is there when nobody else is.
    present = rng.random((len(days), len(contact_weights))) < np.clip(
        contact_weights[None, :] * level[:, None], 0.0, 0.95
    )
    present[~present.any(axis=1), 0] = True
    day_of, contact_of = np.nonzero(present)

    sessions = 1 + rng.poisson(0.25 * level[day_of])
    s_day, s_contact = np.repeat(day_of, sessions), np.repeat(contact_of, sessions)
    size = 2 + rng.poisson((0.5 + 1.8 * health) * level[s_day])
    morning = rng.random(len(s_day)) < 0.6
    start = np.clip(
        rng.normal(np.where(morning, 10.2, 14.8), np.where(morning, 1.1, 1.2)) * 3600,
        8 * 3600,
        17.5 * 3600,
    )

    session = np.repeat(np.arange(len(s_day)), size)
    first = np.cumsum(size) - size
    gaps = np.minimum(5.0 + rng.exponential(120.0, len(session)), _MAX_GAP_SECONDS)
    gaps[first] = 0.0
    elapsed = np.cumsum(gaps)
    offset = elapsed - np.repeat(elapsed[first], size)
    local_ms = np.rint(np.minimum(start[session] + offset, 86399.0) * 1000).astype(np.int64)
    e_day_of = s_day[session]
    timestamp = period.base[days[e_day_of]] * 1000 + local_ms

    phase = np.full(len(session), PHASE_NORMAL)
    if decline is not None:
        phase[decline.progress(days[e_day_of]) > 0.3] = PHASE_DECLINE
    phase[age[e_day_of] < ttfv_days] = PHASE_ONBOARDING
    draw = rng.random(len(session))
    event = np.empty(len(session), dtype=np.int64)
    for value in (PHASE_ONBOARDING, PHASE_NORMAL, PHASE_DECLINE):
        chosen = phase == value
        event[chosen] = np.searchsorted(mix[value], draw[chosen], side="right")

    latency = 150 + rng.exponential(600.0, len(session))
    offline = rng.random(len(session)) < 0.01  # mobile clients that sync later
    latency[offline] += rng.uniform(60_000, 3 * 3_600_000, int(offline.sum()))
    order = np.argsort(timestamp, kind="stable")
    timestamp = timestamp[order]
    return Usage(
        timestamp_ms=timestamp,
        received_ms=timestamp + latency[order].astype(np.int64),
        event=event[order],
        contact=s_contact[session][order],
        active_days=np.unique(days[e_day_of]),
    )
