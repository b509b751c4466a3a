"""Usage and satisfaction figures against values worked out by hand: active users, sessions,
time zones, adoption, NPS, activation and time to first value."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Contact
from metrics.models import AccountDay, Feature
from tenants.tenancy.context import tenant_scope
from tests.metrics.history import History

D = Decimal
JAN = date(2026, 1, 1)


@pytest.fixture
def history(tenant):
    history = History(tenant)
    history.term("acme", date(2025, 6, 1), None, 100)
    history.term("umbra", date(2025, 6, 1), None, 100)
    return history


def _day(n: int) -> date:
    return JAN + timedelta(days=n - 1)


def test_dau_wau_mau_and_stickiness(history):
    history.contact("ann", "acme")
    history.contact("bob", "acme")
    history.contact("cat", "umbra")
    history.events(
        [
            (history.at(_day(1), "09:00"), "Login", "acme", "ann"),
            (history.at(_day(1), "10:00"), "Login", "acme", "ann"),  # same person, same day
            (history.at(_day(5), "09:00"), "Login", "acme", "bob"),
            (history.at(_day(10), "09:00"), "Login", "umbra", "cat"),
            (history.at(_day(10), "11:00"), "Login", "acme", "ann"),
        ]
    )
    history.compute(_day(1), _day(31))
    assert history.value("dau", _day(1)) == 1
    assert history.value("dau", _day(10)) == 2
    # Trailing 7 days of day 10: days 4-10, so bob (day 5), cat and ann (day 10).
    assert history.value("wau", _day(10)) == 3
    assert history.value("wau", _day(11)) == 3
    assert history.value("wau", _day(12)) == 2  # bob's day 5 has left the window
    # Trailing 30 days of day 30 still hold day 1; day 31's do not, but ann came back.
    assert history.value("mau", _day(30)) == 3
    assert history.value("mau", _day(31)) == 3
    assert history.parts("stickiness", _day(10)) == (D("0.666667"), 2, 3)
    assert history.value("stickiness", _day(2)) == 0
    # Cuts: the segment-less tenant has no segment figures, owners none either.
    assert history.value("dau", _day(10), dimension="all") == 2


def test_mau_drops_a_contact_thirty_days_after_its_last_event(history):
    history.contact("ann", "acme")
    history.events([(history.at(_day(1)), "Login", "acme", "ann")])
    history.compute(_day(1), _day(35))
    assert history.value("mau", _day(30)) == 1
    assert history.value("mau", _day(31)) == 0


def test_sessions_split_by_a_31_minute_gap_and_time_in_app(history):
    history.contact("ann", "acme")
    history.contact("bob", "umbra")
    history.events(
        [
            (history.at(_day(3), "10:00"), "Open", "acme", "ann"),
            (history.at(_day(3), "10:10"), "Click", "acme", "ann"),  # +10 min: same session
            (history.at(_day(3), "10:41"), "Click", "acme", "ann"),  # +31 min: a new session
            (history.at(_day(3), "10:50"), "Click", "acme", "ann"),  # +9 min
            (history.at(_day(3), "11:20"), "Click", "acme", "ann"),  # +30 min: still the same
            (history.at(_day(3), "15:00"), "Open", "umbra", "bob"),  # one event: 0 seconds
        ]
    )
    history.compute(_day(1), _day(5))
    with tenant_scope(history.tenant):
        rollup = {row.account_id: row for row in AccountDay.objects.filter(day=_day(3))}
        ann = Contact.objects.get(external_id="ann")
    # ann's sessions 10:00-10:10 (600 s) and 10:41-11:20 (2340 s), on acme's day.
    acme = rollup[history.accounts["acme"].pk]
    assert (acme.session_seconds, acme.contacts, acme.events) == (600 + 2340, [ann.pk], 5)
    assert acme.event_counts == {"Open": 1, "Click": 4}
    # Time in app: 2940 seconds over 2 active contacts.
    assert history.parts("time_in_app_seconds", _day(3)) == (D("1470"), 2940, 2)


def test_a_contact_working_in_two_accounts_counts_once_a_day(history):
    history.contact("ann", "acme")
    history.events(
        [
            (history.at(_day(3), "10:00"), "Open", "umbra", "ann"),  # first event: umbra
            (history.at(_day(3), "10:10"), "Click", "acme", "ann"),  # gap of 600 s, for acme
            (history.at(_day(3), "10:15"), "Click", "umbra", "ann"),  # 300 s, for umbra
        ]
    )
    history.compute(_day(1), _day(5))
    with tenant_scope(history.tenant):
        rollup = {row.account_id: row for row in AccountDay.objects.filter(day=_day(3))}
        ann = Contact.objects.get(external_id="ann")
    acme, umbra = rollup[history.accounts["acme"].pk], rollup[history.accounts["umbra"].pk]
    # Listed under the account of the day's first event; each gap with the event ending it.
    assert (umbra.contacts, umbra.session_seconds, umbra.events) == ([ann.pk], 300, 2)
    assert (acme.contacts, acme.session_seconds, acme.events) == ([], 600, 1)
    assert history.value("dau", _day(3)) == 1
    assert history.parts("time_in_app_seconds", _day(3)) == (D("900"), 900, 1)


def test_sessions_are_cut_at_local_midnight(history):
    history.contact("ann", "acme")
    history.events(
        [
            (history.at(_day(3), "23:50"), "Open", "acme", "ann"),
            (history.at(_day(4), "00:10"), "Click", "acme", "ann"),
            (history.at(_day(4), "00:20"), "Click", "acme", "ann"),
        ]
    )
    history.compute(_day(1), _day(5))
    assert history.parts("time_in_app_seconds", _day(3))[1:] == (0, 1)
    assert history.parts("time_in_app_seconds", _day(4))[1:] == (600, 1)


def test_an_event_at_2330_local_time_counts_for_that_local_day(tenant):
    tenant.time_zone = "America/New_York"
    tenant.save(update_fields=["time_zone"])
    history = History(tenant)
    history.term("acme", date(2025, 6, 1), None, 100)
    history.contact("ann", "acme")
    # 23:30 in New York on January 10 is 04:30 UTC on January 11.
    history.events([(history.at(date(2026, 1, 10), "23:30"), "Login", "acme", "ann")])
    history.compute(date(2026, 1, 9), date(2026, 1, 12))
    assert history.value("dau", date(2026, 1, 10)) == 1
    assert history.value("dau", date(2026, 1, 11)) == 0


def test_adoption_needs_a_core_feature_on_four_distinct_days(history):
    history.feature("Report Built", core=True)
    history.feature("Theme Changed", core=False)
    history.term("cedar", date(2025, 6, 1), None, 100)
    rows = []
    for n in (1, 3, 5, 7):  # acme: a core feature on 4 days
        rows.append((history.at(_day(n)), "Report Built", "acme", ""))
        rows.append((history.at(_day(n), "13:00"), "Report Built", "acme", ""))
    for n in (1, 3, 5):  # umbra: 3 core days and plenty of non-core use
        rows.append((history.at(_day(n)), "Report Built", "umbra", ""))
    for n in range(1, 20):
        rows.append((history.at(_day(n)), "Theme Changed", "umbra", ""))
    history.events(rows)
    history.compute(_day(1), _day(40))
    assert history.parts("adoption_rate", _day(6)) == (D("0"), 0, 3)
    assert history.parts("adoption_rate", _day(7)) == (D("0.333333"), 1, 3)
    assert history.value("adoption_rate", _day(30)) == D("0.333333")
    # Day 31's trailing window starts on day 2: acme's day 1 has left it.
    assert history.value("adoption_rate", _day(31)) == 0


def test_worked_example_adoption_fifty_percent(tenant):
    history = History(tenant)
    history.many_accounts(1000, start=date(2025, 1, 1))
    with tenant_scope(tenant):
        Feature.objects.create(tenant=tenant, event_name="Core", feature="Core", is_core=True)
    rows = [
        (history.at(_day(day)), "Core", f"a{n}", "") for n in range(500) for day in (1, 2, 3, 4)
    ]
    for start in range(0, len(rows), 500):
        history.events(rows[start : start + 500])
    history.compute(_day(1), _day(4))
    assert history.parts("adoption_rate", _day(4)) == (D("0.5"), 500, 1000)


def test_nps_counts_each_contacts_latest_answer_in_the_window(history):
    ann = history.contact("ann", "acme")
    bob = history.contact("bob", "acme")
    cat = history.contact("cat", "umbra")
    dan = history.contact("dan", "umbra")
    history.answer(ann, 3, history.at(_day(2)))
    history.answer(ann, 10, history.at(_day(20)))  # ann answers twice: the latest counts
    history.answer(bob, 9, history.at(_day(5)))
    history.answer(cat, 5, history.at(_day(6)))
    history.answer(dan, 8, history.at(date(2025, 9, 1)))  # outside the 90 days
    history.compute(_day(1), _day(31))
    # Promoters ann and bob, detractor cat: (2 - 1) / 3 = 33.3 -> 33.
    assert history.parts("nps", _day(31)) == (33, 1, 3)
    # Before ann's second answer she was a detractor: (1 - 2) / 3 -> -33.
    assert history.parts("nps", _day(10)) == (-33, -1, 3)
    assert history.value("nps", _day(1)) is None
    assert history.parts("nps", _day(2)) == (-100, -1, 1)


def test_nps_rounds_halves_away_from_zero(history):
    people = [history.contact(f"p{n}", "acme") for n in range(8)]
    scores = [9, 8, 8, 8, 8, 8, 8, 8]  # 1 promoter of 8: 12.5 -> 13
    for person, score in zip(people, scores, strict=True):
        history.answer(person, score, history.at(_day(1)))
    history.compute(_day(1), _day(2))
    assert history.value("nps", _day(1)) == 13
    for person in people:
        history.answer(person, 8, history.at(_day(2)))
    history.answer(people[0], 0, history.at(_day(2), "18:00"))  # later that day: detractor
    history.compute(_day(2), _day(2))
    assert history.value("nps", _day(2)) == -13


def test_activation_rate_and_median_time_to_first_value(tenant):
    tenant.activation_event = "Onboarding Completed"
    tenant.first_value_event = "Report Exported"
    tenant.save()
    history = History(tenant)
    for name, start in (("a", 3), ("b", 10), ("c", 20)):
        history.term(name, date(2026, 1, start), None, 100)
    history.term("older", date(2025, 12, 5), None, 100)
    history.events(
        [
            (history.at(date(2026, 1, 5)), "Onboarding Completed", "a", ""),
            (history.at(date(2026, 2, 2)), "Onboarding Completed", "b", ""),
            (history.at(date(2026, 1, 6)), "Report Exported", "a", ""),  # 3 days after start
            (history.at(date(2026, 1, 16)), "Report Exported", "b", ""),  # 6 days
            (history.at(date(2026, 1, 20)), "Report Exported", "b", ""),  # not the first
            (history.at(date(2026, 1, 7)), "Onboarding Completed", "older", ""),
        ]
    )
    history.compute(date(2026, 1, 1), date(2026, 2, 28))
    assert history.parts("activation_rate", JAN) == (D("0.666667"), 2, 3)
    # Median of 3 and 6 days over the 2 that reached first value; c has not (3 - 2).
    assert history.parts("ttfv_median_days", JAN) == (D("4.5"), 2, 3)
    assert history.parts("activation_rate", date(2026, 2, 1)) == (None, 0, 0)


def test_cohort_figures_are_undefined_without_the_events_named(history):
    history.term("new", date(2026, 1, 12), None, 100)
    history.compute(_day(1), date(2026, 1, 31))
    assert history.parts("activation_rate", JAN) == (None, None, 1)
    assert history.parts("ttfv_median_days", JAN) == (None, None, 1)
