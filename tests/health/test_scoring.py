"""The score's arithmetic at every edge: mappings, renormalisation, missing-data policies,
rounding and bands (health/scoring.py, no database)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from health.scoring import (
    Rule,
    band_of,
    combine,
    exact_score,
    map_linear,
    map_thresholds,
    round_half_away,
)

BANDS = {"good_min": 70, "average_min": 40}


@pytest.mark.parametrize(
    "raw, expected",
    [(-5, 0), (0, 0), (5, 50), (10, 100), (11, 100), (Decimal("2.5"), 25), (0.1, 1)],
)
def test_linear_edges_exact_and_clamped(raw, expected):
    assert map_linear(raw, 0, 10) == expected


@pytest.mark.parametrize("raw, expected", [(0, 100), (30, 0), (15, 50), (31, 0), (-1, 100)])
def test_linear_less_is_better(raw, expected):
    assert map_linear(raw, 30, 0) == expected


def test_linear_without_a_range_is_refused():
    with pytest.raises(ValueError):
        map_linear(5, 3, 3)


STEPS = [[0, 10], [5, 40], [10, 80], [20, 100]]


@pytest.mark.parametrize(
    "raw, expected",
    [(-1, 0), (0, 10), (4.999, 10), (5, 40), (9, 40), (10, 80), (19.99, 80), (20, 100), (999, 100)],
)
def test_thresholds_inclusive_at_each_minimum(raw, expected):
    assert map_thresholds(raw, STEPS) == expected


def test_thresholds_can_go_down():
    steps = [[0, 100], [8, 70], [15, 40], [31, 0]]
    assert [map_thresholds(d, steps) for d in (0, 7, 8, 14, 15, 30, 31)] == [
        100, 100, 70, 70, 40, 40, 0
    ]  # fmt: skip


@pytest.mark.parametrize(
    "value, expected",
    [(Fraction(5, 2), 3), (Fraction(7, 2), 4), (Fraction(-5, 2), -3), (Fraction(249, 100), 2),
     (Fraction(0), 0), (Fraction(199, 2), 100), (Fraction(1, 2), 1)],
)  # fmt: skip
def test_rounding_halves_away_from_zero(value, expected):
    assert round_half_away(value) == expected


@pytest.mark.parametrize(
    "score, band",
    [(100, "good"), (70, "good"), (69, "average"), (40, "average"), (39, "poor"), (0, "poor"),
     (None, None)],
)  # fmt: skip
def test_band_lower_bounds_inclusive(score, band):
    assert band_of(score, **BANDS) == band


def test_band_other_cut_offs():
    assert band_of(80, good_min=81, average_min=80) == "average"
    assert band_of(81, good_min=81, average_min=80) == "good"
    assert band_of(79, good_min=81, average_min=80) == "poor"


def _rules(missing="omit"):
    return [
        Rule("usage_frequency", 3, low=0, high=20, missing=missing),
        Rule("nps_latest", 1, low=0, high=10, missing=missing),
    ]


def test_weighted_mean_and_contributions_sum_to_unrounded_score():
    result = combine(_rules(), {"usage_frequency": 10, "nps_latest": 9}, **BANDS)
    # 50 x 3/4 + 90 x 1/4 = 60
    assert result.exact == 60 and result.score == 60 and result.band == "average"
    assert sum(part.contribution for part in result.parts) == result.exact
    assert [part.effective_weight for part in result.parts] == [Fraction(3, 4), Fraction(1, 4)]


def test_weights_of_any_size_are_normalised():
    small = combine(_rules(), {"usage_frequency": 10, "nps_latest": 9}, **BANDS)
    big = [
        Rule("usage_frequency", 300, low=0, high=20),
        Rule("nps_latest", 100, low=0, high=10),
    ]
    assert combine(big, {"usage_frequency": 10, "nps_latest": 9}, **BANDS).exact == small.exact


def test_thirds_sum_exactly_and_round():
    rules = [Rule(s, 1, low=0, high=3) for s in ("a", "b", "c")]
    result = combine(rules, {"a": 1, "b": 1, "c": 2}, **BANDS)  # (33.3 + 33.3 + 66.7) / 3
    assert result.exact == Fraction(400, 9)
    assert sum(p.contribution for p in result.parts) == result.exact
    assert result.score == 44


def test_missing_omitted_renormalises_the_others():
    result = combine(_rules(), {"usage_frequency": 10, "nps_latest": None}, **BANDS)
    assert result.score == 50
    usage, nps = result.parts
    assert usage.effective_weight == 1 and usage.contribution == 50
    assert nps.missing and nps.score is None and nps.effective_weight == 0
    assert nps.contribution == 0


def test_missing_counts_as_poor():
    result = combine(_rules("poor"), {"usage_frequency": 20}, **BANDS)
    assert result.exact == 75 and result.score == 75  # 100 x 3/4 + 0 x 1/4
    assert result.parts[1].missing and result.parts[1].score == 0
    assert result.parts[1].effective_weight == Fraction(1, 4)


def test_missing_counts_as_neutral():
    result = combine(_rules("neutral"), {"usage_frequency": 0}, **BANDS)
    assert result.exact == Fraction(25, 2) and result.score == 13  # 0 x 3/4 + 50 x 1/4
    assert result.parts[1].score == 50


def test_no_data_at_all_has_no_score_never_zero():
    for missing in ("omit", "poor", "neutral"):
        result = combine(_rules(missing), {}, **BANDS)
        assert result.score is None and result.band is None and result.exact is None
        assert all(part.missing for part in result.parts)


def test_zero_raw_is_data_not_missing():
    result = combine(_rules(), {"usage_frequency": 0}, **BANDS)
    assert result.score == 0 and result.band == "poor"
    assert not result.parts[0].missing


def test_parts_as_json():
    result = combine(_rules(), {"usage_frequency": 10, "nps_latest": 9.5}, **BANDS)
    assert result.parts[1].as_json() == {
        "source": "nps_latest",
        "raw": 9.5,
        "score": 95,
        "weight": 1,
        "effective_weight": 0.25,
        "contribution": 23.75,
        "missing": False,
    }


@pytest.mark.parametrize("missing", ["omit", "poor", "neutral"])
def test_exact_score_is_combines_score(missing):
    """The ties of the score matrix take exact_score: the same number as combine for every
    mix of values, missing ones, halves and thresholds."""
    rules = [
        Rule("usage_frequency", 3, low=0, high=20, missing=missing),
        Rule("nps_latest", Decimal("1.5"), low=10, high=0, missing=missing),
        Rule("core_depth", 1, mapping="thresholds", thresholds=[[0, 10], [25, 55], [50, 90]],
             missing=missing),
    ]  # fmt: skip
    values = [None, 0, 1, 2.5, 5, 7.25, 10, 19, 20, 25, 50, 0.1]
    checked = 0
    for frequency in values:
        for nps in values:
            for depth in values:
                raws = {"usage_frequency": frequency, "nps_latest": nps, "core_depth": depth}
                assert exact_score(rules, raws) == combine(rules, raws, **BANDS).score, raws
                checked += 1
    assert checked == len(values) ** 3
    assert exact_score(rules, {}) is None
