"""The health score's arithmetic, with no database: a raw value through a measure's mapping,
the measures combined with their weights and missing-data policies, the band.

Everything is exact (fractions) until the end, so the contributions add up to the unrounded
score exactly; the score is that sum rounded to an integer, halves away from zero.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import floor

LINEAR = "linear"
THRESHOLDS = "thresholds"
OMIT, POOR, NEUTRAL = "omit", "poor", "neutral"
GOOD, AVERAGE, BAD = "good", "average", "poor"
NEUTRAL_SCORE = Fraction(50)


@dataclass(frozen=True)
class Rule:
    """A measure as scoring needs it."""

    source: str
    weight: Decimal | int
    mapping: str = LINEAR
    low: Decimal | int | None = None
    high: Decimal | int | None = None
    thresholds: Sequence[Sequence] = ()
    missing: str = OMIT


@dataclass(frozen=True)
class Part:
    """One measure's share of a score."""

    source: str
    raw: float | None
    score: Fraction | None  # 0-100; None when missing and left out
    weight: Fraction
    effective_weight: Fraction  # share of the weight among the measures that count (0-1)
    contribution: Fraction  # score x effective weight
    missing: bool

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "raw": self.raw,
            "score": _number(self.score),
            "weight": _number(self.weight),
            "effective_weight": _number(self.effective_weight),
            "contribution": _number(self.contribution),
            "missing": self.missing,
        }


@dataclass(frozen=True)
class Result:
    score: int | None
    exact: Fraction | None
    band: str | None
    parts: list[Part]


@lru_cache(maxsize=65536, typed=True)
def to_fraction(value) -> Fraction:
    """An exact fraction of an int, Decimal, float (by its shortest repr) or numeric string.
    Cached: a history of scores converts the same weights, bounds and raw values over and
    over, and each conversion goes through Decimal."""
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    if isinstance(value, str):
        return Fraction(Decimal(value))
    return Fraction(value)


def _clamp(value: Fraction) -> Fraction:
    return min(Fraction(100), max(Fraction(0), value))


def map_linear(raw, low, high) -> Fraction:
    """`low` scores 0 and `high` 100, straight in between, clamped to 0-100. `low` above
    `high` means less is better."""
    raw, low, high = to_fraction(raw), to_fraction(low), to_fraction(high)
    if low == high:
        raise ValueError("A linear mapping needs low != high.")
    return _clamp((raw - low) / (high - low) * 100)


def map_thresholds(raw, steps: Sequence[Sequence]) -> Fraction:
    """The score of the last step whose minimum the raw value reaches (minimums inclusive,
    ascending); a value below the first minimum scores 0."""
    raw = to_fraction(raw)
    score = Fraction(0)
    for minimum, step_score in steps:
        if raw >= to_fraction(minimum):
            score = to_fraction(step_score)
        else:
            break
    return _clamp(score)


def measure_score(rule: Rule, raw) -> Fraction:
    if rule.mapping == THRESHOLDS:
        return map_thresholds(raw, rule.thresholds)
    return map_linear(raw, rule.low, rule.high)


def round_half_away(value: Fraction) -> int:
    """Round to an integer, halves away from zero (2.5 -> 3, -2.5 -> -3)."""
    if value < 0:
        return -floor(-value + Fraction(1, 2))
    return floor(value + Fraction(1, 2))


def band_of(score: int | None, *, good_min: int, average_min: int) -> str | None:
    """Inclusive lower bounds: score >= good_min is good, >= average_min average, else poor."""
    if score is None:
        return None
    if score >= good_min:
        return GOOD
    return AVERAGE if score >= average_min else BAD


def combine(
    rules: Sequence[Rule], raws: Mapping[str, object], *, good_min: int, average_min: int
) -> Result:
    """The score of one account: each rule's raw value (None or absent: missing) mapped,
    missing values treated by their rule's policy, weights renormalised over the measures
    that count. With every measure missing the account has no data at all: no score."""
    scored: list[tuple[Rule, float | None, Fraction | None, bool]] = []
    for rule in rules:
        raw = raws.get(rule.source)
        if raw is None:
            policy_score = {POOR: Fraction(0), NEUTRAL: NEUTRAL_SCORE}.get(rule.missing)
            scored.append((rule, None, policy_score, True))
        else:
            scored.append((rule, _plain(raw), measure_score(rule, raw), False))
    counted = sum(to_fraction(rule.weight) for rule, _, score, _ in scored if score is not None)
    no_data = all(missing for *_, missing in scored)
    parts = []
    for rule, raw, score, missing in scored:
        weight = to_fraction(rule.weight)
        share = weight / counted if score is not None and counted else Fraction(0)
        contribution = score * share if score is not None else Fraction(0)
        parts.append(Part(rule.source, raw, score, weight, share, contribution, missing))
    if no_data or not counted:
        return Result(None, None, None, parts)
    exact = sum((part.contribution for part in parts), Fraction(0))
    score = round_half_away(exact)
    return Result(score, exact, band_of(score, good_min=good_min, average_min=average_min), parts)


def exact_score(rules: Sequence[Rule], raws: Mapping[str, object]) -> int | None:
    """`combine(...).score` without the parts, for callers that need only the number (the
    ties of health.score_matrix): the same exact arithmetic, since the contributions of
    `combine` add up to sum(score x weight) / counted weight."""
    total, counted, no_data = Fraction(0), Fraction(0), True
    for rule in rules:
        raw = raws.get(rule.source)
        if raw is None:
            score = {POOR: Fraction(0), NEUTRAL: NEUTRAL_SCORE}.get(rule.missing)
        else:
            no_data, score = False, measure_score(rule, raw)
        if score is not None:
            weight = to_fraction(rule.weight)
            total, counted = total + score * weight, counted + weight
    if no_data or not counted:
        return None
    return round_half_away(total / counted)


def _plain(value) -> float | int:
    if isinstance(value, int):
        return value
    return float(value)


def _number(value: Fraction | None) -> float | int | None:
    """JSON-friendly: integers stay integers, other values as floats (6 decimal places)."""
    if value is None:
        return None
    if value.denominator == 1:
        return int(value)
    return round(float(value), 6)
