"""Each source's raw value for all accounts, from hand-made daily rollups, terms and NPS
answers (health/raw_values.py)."""

from datetime import timedelta

import pytest

from health.raw_history import raw_history
from health.raw_values import raw_values
from tests.health.helpers import (
    DAY,
    account,
    active_days,
    answer,
    days_back,
    feature,
    term,
    usage,
)

pytestmark = pytest.mark.django_db


def _values(tenant, *accounts, day=DAY):
    return raw_values(tenant, day, [a.pk for a in accounts])


def test_usage_frequency_counts_active_days_in_trailing_30(tenant):
    acme = account(tenant, "a1")
    # 12 days inside the window (day 0 .. day 29 back), 3 outside it.
    active_days(tenant, acme, days_back(DAY, 0, 1, 2, 5, 8, 10, 14, 15, 20, 25, 28, 29, 30, 31, 45))
    values = _values(tenant, acme)[acme.pk]
    assert values["usage_frequency"] == 12
    assert values["days_since_activity"] == 0


def test_trend_breadth_and_depth(tenant):
    acme = account(tenant, "a1")
    feature(tenant, "Report Exported", "Reporting", core=True)
    feature(tenant, "Report Shared", "Reporting", core=True)
    feature(tenant, "Dashboard Viewed", "Dashboards", core=True)
    feature(tenant, "Comment Added", "Comments")
    feature(tenant, "Login", "Login")
    # Trailing 30: 30 events, using Reporting (two event names) and Comments.
    usage(tenant, acme, DAY, {"Report Exported": 10, "Report Shared": 5})
    usage(tenant, acme, DAY - timedelta(days=29), {"Comment Added": 10, "Unknown": 5})
    # The 30 before: 60 events (Dashboards, outside the window, does not count).
    usage(tenant, acme, DAY - timedelta(days=30), {"Dashboard Viewed": 60})
    values = _values(tenant, acme)[acme.pk]
    assert values["usage_trend"] == -50.0  # 30 against 60
    assert values["feature_breadth"] == 50.0  # 2 of 4 features
    assert values["core_depth"] == 50.0  # 1 of 2 core features
    assert values["usage_frequency"] == 2
    assert values["days_since_activity"] == 0


def test_inactive_in_window_is_zero_not_missing(tenant):
    acme = account(tenant, "a1")
    feature(tenant, "Login", "Login", core=True)
    active_days(tenant, acme, days_back(DAY, 40))
    values = _values(tenant, acme)[acme.pk]
    assert values["usage_frequency"] == 0
    assert values["feature_breadth"] == 0.0 and values["core_depth"] == 0.0
    assert values["usage_trend"] == -100.0
    assert values["days_since_activity"] == 40


def test_rollups_after_the_day_do_not_count(tenant):
    acme = account(tenant, "a1")
    active_days(tenant, acme, days_back(DAY, -1, -5))
    values = _values(tenant, acme)[acme.pk]
    assert values["usage_frequency"] is None and values["days_since_activity"] is None


def test_no_data_at_all_is_missing_everywhere(tenant):
    quiet = account(tenant, "quiet")
    assert set(_values(tenant, quiet)[quiet.pk].values()) == {None}


def test_no_baseline_no_trend_and_empty_catalog_no_breadth(tenant):
    acme = account(tenant, "a1")
    active_days(tenant, acme, days_back(DAY, 3))
    values = _values(tenant, acme)[acme.pk]
    assert values["usage_trend"] is None
    assert values["feature_breadth"] is None and values["core_depth"] is None
    assert values["onboarding_progress"] is None


def test_days_to_renewal(tenant):
    fixed, open_ended, renewed, lapsed = (account(tenant, x) for x in "abcd")
    term(tenant, fixed, DAY - timedelta(days=300), DAY + timedelta(days=65))
    term(tenant, open_ended, DAY - timedelta(days=10))
    term(tenant, renewed, DAY - timedelta(days=300), DAY + timedelta(days=5))
    term(tenant, renewed, DAY - timedelta(days=1), DAY + timedelta(days=370))  # early renewal
    term(tenant, lapsed, DAY - timedelta(days=300), DAY)  # ended (end is exclusive)
    values = _values(tenant, fixed, open_ended, renewed, lapsed)
    assert values[fixed.pk]["days_to_renewal"] == 65
    assert values[open_ended.pk]["days_to_renewal"] is None
    assert values[renewed.pk]["days_to_renewal"] == 370
    assert values[lapsed.pk]["days_to_renewal"] is None


def test_nps_latest_is_the_mean_of_each_contacts_latest_answer_in_the_window(tenant):
    acme, other = account(tenant, "a1"), account(tenant, "a2")
    answer(tenant, acme, "c1", 2, DAY - timedelta(days=50))
    answer(tenant, acme, "c1", 10, DAY - timedelta(days=5))  # c1's latest
    answer(tenant, acme, "c2", 5, DAY)
    answer(tenant, acme, "c3", 0, DAY - timedelta(days=90))  # outside the 90-day window
    answer(tenant, acme, "c4", 0, DAY + timedelta(days=1))  # after the day
    answer(tenant, other, "c5", 7, DAY - timedelta(days=89))  # first day of the window
    values = _values(tenant, acme, other)
    assert values[acme.pk]["nps_latest"] == 7.5
    assert values[other.pk]["nps_latest"] == 7.0


def test_a_catalog_of_more_than_63_features_counts_each_once_on_both_paths(tenant):
    """Feature numbers past 63 land in a second bitmask word on the set-based path; an event
    name spelled with quotes and a comma is one name to both paths."""
    acme = account(tenant, "a1")
    for n in range(70):
        feature(tenant, f"event {n:02d}", f"feature {n:02d}", core=n in (3, 66))
    feature(tenant, 'say "hi", twice', "feature 69")
    usage(tenant, acme, DAY, {"event 03": 1, "event 66": 2, "event 67": 1})
    usage(tenant, acme, DAY - timedelta(days=3), {'say "hi", twice': 1, "event 03": 1})
    usage(tenant, acme, DAY - timedelta(days=45), {"event 05": 1})  # before the window
    one_day = _values(tenant, acme)[acme.pk]
    assert one_day["feature_breadth"] == 4 * 100 / 70  # features 03, 66, 67 and 69
    assert one_day["core_depth"] == 100.0  # both core features
    history = raw_history(tenant, [acme.pk], DAY - timedelta(days=4), DAY)
    for source in ("feature_breadth", "core_depth", "usage_frequency", "usage_trend"):
        assert history.values[source][0, -1] == pytest.approx(one_day[source]), source
    assert history.values["feature_breadth"][0, 0] == 0.0  # DAY - 4: only the old day
    assert history.values["feature_breadth"][0, 1] == 2 * 100 / 70  # DAY - 3
