"""The health score of every account on every day of a range at once (numpy): the same
arithmetic as `health.scoring.combine`, in floating point, with the exact path taking over
wherever rounding could go either way, so every stored score equals the exact one."""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from health import scoring

# A float score this close to a half is recomputed exactly (floats err by ~1e-13 here).
TIE = 1e-7


@dataclass(frozen=True)
class Scored:
    score: np.ndarray  # float64 (NaN: no score), the integer score
    band: np.ndarray  # object: "good" | "average" | "poor" | None


def _f(value) -> float:
    return float(Decimal(str(value)))


def mapped(rule: scoring.Rule, raw: np.ndarray) -> np.ndarray:
    """Each raw value through the rule's mapping (NaN stays NaN)."""
    if rule.mapping == scoring.THRESHOLDS:
        result = np.zeros_like(raw)
        for minimum, step_score in rule.thresholds:
            # Ascending minimums: each later step reached overrides the earlier ones.
            result = np.where(raw >= _f(minimum), _f(step_score), result)
        result = np.clip(result, 0, 100)
    else:
        low, high = _f(rule.low), _f(rule.high)
        result = np.clip((raw - low) / (high - low) * 100, 0, 100)
    return np.where(np.isnan(raw), np.nan, result)


def score_matrix(
    rules: list[scoring.Rule], raws: list[np.ndarray], *, good_min: int, average_min: int
) -> Scored:
    """`raws[i]` holds rule i's raw values (accounts x days, NaN missing)."""
    shape = raws[0].shape if raws else (0, 0)
    total = np.zeros(shape)
    counted = np.zeros(shape)
    any_data = np.zeros(shape, dtype=bool)
    for rule, raw in zip(rules, raws, strict=True):
        weight = _f(rule.weight)
        missing = np.isnan(raw)
        any_data |= ~missing
        score = mapped(rule, raw)
        policy = {scoring.POOR: 0.0, scoring.NEUTRAL: 50.0}.get(rule.missing)
        if policy is not None:
            score = np.where(missing, policy, score)
        counts = ~np.isnan(score)
        total += np.where(counts, score * weight, 0.0)
        counted += np.where(counts, weight, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.where(any_data & (counted > 0), total / counted, np.nan)
    rounded = np.floor(exact + 0.5)
    ties = np.argwhere(np.abs(exact - np.floor(exact) - 0.5) < TIE)
    # Ties repeat (accounts with the same few whole-number raw values): each distinct set of
    # raw values is computed exactly once.
    exact_scores: dict[tuple, float] = {}
    for row, column in ties:
        key = tuple(None if np.isnan(raw[row, column]) else float(raw[row, column]) for raw in raws)
        if key not in exact_scores:
            values = {rule.source: value for rule, value in zip(rules, key, strict=True)}
            score = scoring.exact_score(rules, values)
            exact_scores[key] = np.nan if score is None else score
        rounded[row, column] = exact_scores[key]
    band = np.full(shape, None, dtype=object)
    band[rounded < average_min] = scoring.BAD
    band[rounded >= average_min] = scoring.AVERAGE
    band[rounded >= good_min] = scoring.GOOD
    return Scored(rounded, band)
