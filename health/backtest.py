"""Does the health score predict churn? The backtest's arithmetic, with no database.

A *sample* is one account on one month start: its score that day, its band, each measure's
score, and whether it churned in the 90 days after. From the samples: the AUC (the chance
that an account that churned had a lower score than one that stayed, ties counting half),
the churn rate of each band, and weights fitted to the churn history by logistic regression,
trained on the earlier month starts and judged on the later ones (README, "Does the score
predict churn?").
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from health.scoring import AVERAGE, BAD, GOOD

MONTHS = 12
HORIZON_DAYS = 90
BANDS = (GOOD, AVERAGE, BAD)
# The share of the month starts (the earliest) the weights are fitted on; the rest judge them.
TRAIN_SHARE = 2 / 3


@dataclass(frozen=True)
class Sample:
    month_start: date
    account: int
    score: float | None  # None: the account had no data at all (no score)
    band: str | None
    churned: bool
    measures: Mapping[str, float | None] = field(default_factory=dict)  # source -> 0-100


def month_starts(today: date, count: int = MONTHS) -> list[date]:
    """The last `count` first days of a month on or before `today`, oldest first."""
    starts = []
    year, month = today.year, today.month
    for _ in range(count):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def window_end(month_start: date, horizon_days: int = HORIZON_DAYS) -> date:
    """The last day of the window after a month start: churn on days start+1 .. start+90."""
    return month_start + timedelta(days=horizon_days)


def window_closed(month_start: date, last_known: date, horizon_days: int = HORIZON_DAYS) -> bool:
    """Whether every day of the month start's window is known (churn computed through
    `last_known`): only closed windows count; an open one would call future churners loyal."""
    return window_end(month_start, horizon_days) <= last_known


def churned_within(churn_days: Iterable[date], month_start: date, horizon_days=HORIZON_DAYS):
    """Whether one of an account's churn days falls in the window after the month start."""
    last = window_end(month_start, horizon_days)
    return any(month_start < day <= last for day in churn_days)


def auc(scores: Sequence[float], churned: Sequence[bool]) -> float | None:
    """Rank-based AUC (Mann-Whitney U): the probability that a retained account scores
    higher than a churned one, ties counting half. 1 is a perfect warning, 0.5 a coin toss;
    None when nobody churned or everybody did."""
    values = np.asarray(scores, dtype=float)
    labels = np.asarray(churned, dtype=bool)
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if not positives or not negatives:
        return None
    ranks = _ranks(values)  # ascending, ties share their mean rank
    retained_rank_sum = ranks[~labels].sum()
    u = retained_rank_sum - negatives * (negatives + 1) / 2
    return float(u / (positives * negatives))


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=float)
    ranks[order] = np.arange(1, len(values) + 1)
    unique, inverse = np.unique(values, return_inverse=True)
    sums = np.bincount(inverse, weights=ranks, minlength=len(unique))
    counts = np.bincount(inverse, minlength=len(unique))
    return (sums / counts)[inverse]


def band_rates(samples: Iterable[Sample]) -> dict[str, dict]:
    """Per band: accounts, how many churned, and the churn rate (None for an empty band)."""
    counts = {band: [0, 0] for band in BANDS}
    for sample in samples:
        if sample.band in counts:
            counts[sample.band][0] += 1
            counts[sample.band][1] += sample.churned
    return {
        band: {
            "accounts": accounts,
            "churned": churned,
            "churn_rate": None if not accounts else round(churned / accounts, 4),
        }
        for band, (accounts, churned) in counts.items()
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class Summary:
    auc: float | None
    accounts: int
    churned: int
    bands: dict[str, dict]
    months: list[dict]


def summarise(
    samples: Sequence[Sample], starts: Sequence[date], last_known: date, unscored: Mapping
) -> Summary:
    """The backtest over the month starts whose window has closed; the others are listed
    with `complete` false and counted nowhere else. `unscored`: per month start, active
    accounts with no score (no data at all), which count nowhere either."""
    by_month: dict[date, list[Sample]] = {start: [] for start in starts}
    for sample in samples:
        if sample.score is not None:
            by_month.setdefault(sample.month_start, []).append(sample)
    counted: list[Sample] = []
    months = []
    for start in starts:
        rows = by_month.get(start, [])
        complete = window_closed(start, last_known)
        if complete:
            counted.extend(rows)
        months.append(
            {
                "month_start": start.isoformat(),
                "window_end": window_end(start).isoformat(),
                "complete": complete,
                "accounts": len(rows),
                "unscored": unscored.get(start, 0),
                "churned": sum(row.churned for row in rows) if complete else None,
                "auc": _rounded(_auc_of(rows)) if complete else None,
            }
        )
    return Summary(
        auc=_rounded(_auc_of(counted)),
        accounts=len(counted),
        churned=sum(row.churned for row in counted),
        bands=band_rates(counted),
        months=months,
    )


def _auc_of(samples: Sequence[Sample]) -> float | None:
    return auc([s.score for s in samples], [s.churned for s in samples])


# Suggested weights -----------------------------------------------------------------------


def weighted_score(measures: Mapping[str, float | None], weights: Mapping[str, float]):
    """The score the weights give, renormalised over the measures with a score (as a
    scorecard does with missing data left out); None when none counts."""
    counted = [(measures.get(s), w) for s, w in weights.items() if w > 0]
    counted = [(score, w) for score, w in counted if score is not None]
    total = sum(w for _, w in counted)
    if not total:
        return None
    return sum(score * w for score, w in counted) / total


def split_by_time(starts: Sequence[date], share: float = TRAIN_SHARE):
    """The earlier month starts to fit on and the later ones to judge on, never overlapping
    (at least one of each when there are two or more)."""
    starts = sorted(starts)
    if len(starts) < 2:
        return list(starts), []
    cut = min(len(starts) - 1, max(1, round(len(starts) * share)))
    return starts[:cut], starts[cut:]


def to_weights(coefficients: Mapping[str, float]) -> dict[str, float] | None:
    """Weights from a churn model's coefficients: a measure whose higher score means less
    churn gets weight -coefficient; one that means more churn (or nothing) gets 0. Scaled to
    add up to 100 (one decimal; the largest remainders take the rounding). None when all
    are 0."""
    raw = {source: max(0.0, -float(c)) for source, c in coefficients.items()}
    total = sum(raw.values())
    if total <= 1e-9:
        return None
    tenths = {source: value * 1000 / total for source, value in raw.items()}
    floors = {source: int(value) for source, value in tenths.items()}
    short = 1000 - sum(floors.values())
    by_remainder = sorted(tenths, key=lambda s: (floors[s] - tenths[s], s))
    for source in by_remainder[:short]:
        floors[source] += 1
    return {source: value / 10 for source, value in floors.items()}


@dataclass(frozen=True)
class Suggestion:
    current: dict[str, float]
    suggested: dict[str, float] | None
    auc_current: float | None  # on the judged (later) month starts
    auc_suggested: float | None
    train_months: list[date]
    test_months: list[date]
    train_samples: int
    test_samples: int
    reason: str = ""  # why there is no suggestion, when there is none

    def as_json(self) -> dict:
        return {
            "current_weights": self.current,
            "suggested_weights": self.suggested,
            "held_out_auc_current": _rounded(self.auc_current),
            "held_out_auc_suggested": _rounded(self.auc_suggested),
            "train_months": [d.isoformat() for d in self.train_months],
            "test_months": [d.isoformat() for d in self.test_months],
            "train_samples": self.train_samples,
            "test_samples": self.test_samples,
            "reason": self.reason,
        }


NO_HISTORY = "not_enough_history"  # fewer than two month starts with closed windows
ONE_CLASS = "one_class"  # the training months had no churn, or nothing but churn
NO_SIGNAL = "no_signal"  # every measure's fitted weight is 0


def suggest_weights(
    samples: Sequence[Sample], current: Mapping[str, float], months: Sequence[date]
) -> Suggestion:
    """Fit the measure weights to churn on the earlier of `months` (closed windows only),
    and judge the current and the fitted weights on the later ones. Each measure's score
    is its score on the day with its missing-data policy applied; a measure left out
    (missing, policy omit) is filled with its mean over the training samples (50 when it
    never had data), for fitting only."""
    from sklearn.linear_model import LogisticRegression  # a heavy import, only when fitting

    sources = list(current)
    current = {source: float(weight) for source, weight in current.items()}
    train_months, test_months = split_by_time(months)
    train = [s for s in samples if s.month_start in set(train_months) and s.score is not None]
    test = [s for s in samples if s.month_start in set(test_months) and s.score is not None]

    def result(suggested=None, reason=""):
        auc_current = _auc_by_weights(test, current)
        auc_suggested = _auc_by_weights(test, suggested) if suggested else None
        return Suggestion(
            current, suggested, auc_current, auc_suggested, list(train_months),
            list(test_months), len(train), len(test), reason,
        )  # fmt: skip

    if not test_months:
        return result(reason=NO_HISTORY)
    labels = np.array([s.churned for s in train], dtype=bool)
    if not len(labels) or labels.all() or not labels.any():
        return result(reason=ONE_CLASS)
    matrix = np.array([[_value(s, source) for source in sources] for s in train], dtype=float)
    present = ~np.isnan(matrix)
    sums = np.where(present, matrix, 0).sum(axis=0)
    counts = present.sum(axis=0)
    means = np.divide(sums, counts, out=np.full(len(sources), 50.0), where=counts > 0)
    matrix = np.where(np.isnan(matrix), means, matrix) / 100
    model = LogisticRegression(max_iter=1000)
    model.fit(matrix, labels)
    weights = to_weights(dict(zip(sources, model.coef_[0], strict=True)))
    if weights is None:
        return result(reason=NO_SIGNAL)
    return result(weights)


def _value(sample: Sample, source: str) -> float:
    value = sample.measures.get(source)
    return np.nan if value is None else float(value)


def _auc_by_weights(samples: Sequence[Sample], weights: Mapping[str, float]) -> float | None:
    scored = [(weighted_score(s.measures, weights), s.churned) for s in samples]
    scored = [(score, churned) for score, churned in scored if score is not None]
    return auc([score for score, _ in scored], [churned for _, churned in scored])
