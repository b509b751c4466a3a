"""The backtest's arithmetic on hand-made histories: AUC (known values, ties, empty
classes), churn windows, band churn rates, month starts and the time split, weights."""

from datetime import date
from decimal import Decimal

import pytest

from health import backtest
from health.backtest import Sample, auc


def test_auc_of_a_known_history_is_three_quarters():
    # Retained accounts scored 2 and 4, churned ones 1 and 3: of the 4 pairs, the retained
    # account scores higher in 3.
    assert auc([2, 4, 1, 3], [False, False, True, True]) == 0.75


def test_ties_count_half():
    assert auc([5, 5, 5], [False, False, True]) == 0.5
    # (6,5) (6,1) (5,1) won, (5,5) tied: 3.5 of 4.
    assert auc([6, 5, 5, 1], [False, False, True, True]) == 0.875


def test_perfect_and_backwards_scores():
    assert auc([90, 80, 10], [False, False, True]) == 1.0
    assert auc([10, 20, 90], [False, False, True]) == 0.0


@pytest.mark.parametrize("labels", [[False, False], [True, True], []])
def test_auc_is_undefined_with_one_class(labels):
    assert auc([50] * len(labels), labels) is None


def test_auc_matches_the_pairwise_definition():
    scores = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]
    labels = [True, False, True, True, False, False, True, False, False, True, False]
    retained = [s for s, c in zip(scores, labels, strict=True) if not c]
    churned = [s for s, c in zip(scores, labels, strict=True) if c]
    pairs = [(r > c) + 0.5 * (r == c) for r in retained for c in churned]
    assert auc(scores, labels) == pytest.approx(sum(pairs) / len(pairs))


def test_month_starts_cross_the_year():
    starts = backtest.month_starts(date(2026, 3, 15))
    assert starts[0] == date(2025, 4, 1) and starts[-1] == date(2026, 3, 1)
    assert len(starts) == 12 and starts == sorted(starts)


def test_churn_window_is_the_90_days_after_the_month_start():
    start = date(2026, 1, 1)
    assert not backtest.churned_within([date(2026, 1, 1)], start)  # not active, not counted
    assert backtest.churned_within([date(2026, 1, 2)], start)
    assert backtest.churned_within([date(2026, 4, 1)], start)  # day 90
    assert not backtest.churned_within([date(2026, 4, 2)], start)
    assert backtest.window_closed(start, date(2026, 4, 1))
    assert not backtest.window_closed(start, date(2026, 3, 31))


def _s(month, account, score, churned, band=None, **measures):
    return Sample(date(2026, month, 1), account, score, band, churned, measures)


def test_summary_counts_closed_windows_only():
    samples = [
        _s(1, 1, 80, False, "good"),
        _s(1, 2, 20, True, "poor"),
        _s(1, 3, 50, False, "average"),
        _s(1, 4, 30, False, "poor"),
        _s(2, 1, 10, True, "poor"),  # February's window is still open: not counted
    ]
    starts = [date(2026, 1, 1), date(2026, 2, 1)]
    summary = backtest.summarise(samples, starts, date(2026, 4, 15), {date(2026, 1, 1): 2})
    assert summary.auc == 1.0 and summary.accounts == 4 and summary.churned == 1
    assert summary.bands == {
        "good": {"accounts": 1, "churned": 0, "churn_rate": 0.0},
        "average": {"accounts": 1, "churned": 0, "churn_rate": 0.0},
        "poor": {"accounts": 2, "churned": 1, "churn_rate": 0.5},
    }
    january, february = summary.months
    assert january["complete"] and january["unscored"] == 2 and january["churned"] == 1
    assert not february["complete"] and february["churned"] is None and february["auc"] is None
    assert february["accounts"] == 1


def test_an_empty_band_has_no_rate():
    assert backtest.band_rates([])["good"] == {"accounts": 0, "churned": 0, "churn_rate": None}


def test_weighted_score_renormalises_over_measures_with_data():
    weights = {"a": 30, "b": 10, "c": 60}
    assert backtest.weighted_score({"a": 100, "b": 0, "c": None}, weights) == 75
    assert backtest.weighted_score({"a": None}, weights) is None


def test_split_by_time_never_judges_on_training_months():
    months = [date(2026, m, 1) for m in range(1, 10)]
    train, test = backtest.split_by_time(months)
    assert train == months[:6] and test == months[6:]
    assert backtest.split_by_time(months[:2]) == ([months[0]], [months[1]])
    assert backtest.split_by_time(months[:1]) == ([months[0]], [])


def test_weights_from_coefficients():
    weights = backtest.to_weights({"a": -3.0, "b": -1.0, "c": 2.0})
    assert weights == {"a": 75.0, "b": 25.0, "c": 0.0}
    thirds = backtest.to_weights({"a": -1.0, "b": -1.0, "c": -1.0})
    assert sum(Decimal(str(v)) for v in thirds.values()) == 100 and sorted(thirds.values()) == [
        33.3,
        33.3,
        33.4,
    ]
    assert backtest.to_weights({"a": 0.5, "b": 0.0}) is None


def _history(months, informative="a", noise="b"):
    """Accounts whose measure `informative` is low before churn, `noise` unrelated."""
    samples = []
    for month in months:
        for account in range(40):
            churned = account % 4 == 0
            good = 10 + (account * 7) % 30 if churned else 60 + (account * 11) % 40
            measures = {informative: good, noise: (account * 37 + month) % 100, "never": None}
            samples.append(_s(month, account, good, churned, **measures))
    return samples


def test_suggested_weights_favour_the_measure_that_predicts_churn():
    months = [date(2026, m, 1) for m in range(1, 10)]
    current = {"a": 10, "b": 80, "never": 10}
    suggestion = backtest.suggest_weights(_history(range(1, 10)), current, months)
    assert suggestion.test_months == months[6:] and suggestion.train_months == months[:6]
    assert sum(suggestion.suggested.values()) == pytest.approx(100)
    assert suggestion.suggested["a"] > 90
    assert suggestion.suggested["never"] == 0  # no data: nothing to learn from
    assert suggestion.auc_suggested == 1.0
    assert suggestion.auc_current < suggestion.auc_suggested
    assert suggestion.as_json()["held_out_auc_suggested"] == 1.0


def test_no_suggestion_without_churn_or_history():
    months = [date(2026, m, 1) for m in range(1, 4)]
    calm = [_s(m, a, 50, False, a=50) for m in range(1, 4) for a in range(5)]
    assert backtest.suggest_weights(calm, {"a": 1}, months).reason == backtest.ONE_CLASS
    one = backtest.suggest_weights(calm, {"a": 1}, months[:1])
    assert one.reason == backtest.NO_HISTORY and one.suggested is None
