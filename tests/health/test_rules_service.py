"""Alert rules: each fires at its edge and not a step short of it, a condition opens one task
however long it lasts (even after the task is done) and a new one after it clears, a
disabled rule never fires, and a run's queries do not grow with the accounts."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import date_format

from accounts.models import Account
from health.models import AlertFiring, AlertRule, Task, TaskKind, TaskStatus
from health.services.rules import (
    alert_rule_update,
    alert_rules_ensure_defaults,
    alert_rules_run,
)
from health.services.task_settings import task_fallback_assignee_set
from health.services.tasks import health_settings_for, task_complete
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import DAY, account, active_days, answer, days_back, term, usage
from tests.health.rules_helpers import only, rule, score

pytestmark = pytest.mark.django_db


def _tasks(tenant, **filters):
    with tenant_scope(tenant):
        return list(Task.objects.filter(**filters).order_by("pk"))


def test_every_tenant_gets_one_rule_of_each_kind_once(tenant):
    first = alert_rules_ensure_defaults(tenant=tenant)
    again = alert_rules_ensure_defaults(tenant=tenant)
    assert [r.kind for r in first] == [
        "band_dropped", "score_fell", "usage_down", "nps_detractor", "renewal_at_risk",
        "no_activity", "onboarding_stalled",
    ]  # fmt: skip
    assert [r.pk for r in first] == [r.pk for r in again]
    by_kind = {r.kind: r for r in first}
    assert (by_kind["score_fell"].points, by_kind["score_fell"].window_days) == (15, 7)
    assert by_kind["nps_detractor"].max_score == 6
    assert by_kind["usage_down"].percent == 30 and by_kind["usage_down"].days is None
    assert all(r.enabled for r in first)


def test_score_fell_by_exactly_n_points_fires_and_by_n_minus_one_does_not(tenant):
    only(tenant, TaskKind.SCORE_FELL, points=20, window_days=7)
    fell_20, fell_19 = account(tenant, "a"), account(tenant, "b")
    for acc, now in [(fell_20, 52), (fell_19, 53)]:
        score(tenant, acc, DAY - timedelta(days=7), 72, "good")
        score(tenant, acc, DAY, now, "average")
    result = alert_rules_run(tenant=tenant, day=DAY)
    assert result.fired == [(fell_20.pk, "score_fell")]
    (task,) = result.opened
    assert task.title == "Health score fell by 20 points"
    assert task.reason == "Health score fell from 72 to 52 in 7 days."
    assert task.figures == {
        "score": 52, "score_before": 72, "points_fell": 20, "window_days": 7,
        "threshold_points": 20,
    }  # fmt: skip
    assert task.kind == "score_fell" and task.condition_key == f"rule:{task_rule(tenant, task)}"


def task_rule(tenant, task) -> int:
    return rule(tenant, task.kind).pk


def test_band_dropped_against_the_previous_scored_day(tenant):
    only(tenant, TaskKind.BAND_DROPPED)
    cases = {
        "good-average": ("good", "average", True),
        "average-poor": ("average", "poor", True),
        "good-poor": ("good", "poor", True),
        "poor-average": ("poor", "average", False),
        "average-average": ("average", "average", False),
        "good-none": ("good", None, False),
    }
    accounts = {}
    for xid, (before, now, _) in cases.items():
        acc = accounts[xid] = account(tenant, xid)
        score(tenant, acc, DAY - timedelta(days=1), 70, before)
        score(tenant, acc, DAY, None if now is None else 40, now)
    # The previous scored day is the latest with a band, not necessarily yesterday.
    gap = account(tenant, "gap")
    score(tenant, gap, DAY - timedelta(days=3), 80, "good")
    score(tenant, gap, DAY - timedelta(days=1), None, None)
    score(tenant, gap, DAY, 50, "average")
    result = alert_rules_run(tenant=tenant, day=DAY)
    expected = {accounts[x].pk for x, (_, _, fires) in cases.items() if fires} | {gap.pk}
    assert {a for a, _ in result.fired} == expected
    task = next(t for t in result.opened if t.account_id == accounts["good-poor"].pk)
    assert task.title == "Health band dropped to Poor"
    assert task.figures["band_before"] == "good" and task.figures["band"] == "poor"
    assert task.reason == (
        "Health band dropped from Good to Poor "
        f"(score 70 on {date_format(DAY - timedelta(days=1))}, 40 now)."
    )


def test_usage_down_by_exactly_x_percent_fires(tenant):
    only(tenant, TaskKind.USAGE_DOWN, percent=30)
    down_30, down_29 = account(tenant, "a"), account(tenant, "b")
    for acc, recent in [(down_30, 70), (down_29, 71)]:
        usage(tenant, acc, DAY - timedelta(days=45), {"Login": 100})  # the 30 days before
        usage(tenant, acc, DAY - timedelta(days=2), {"Login": recent})  # the last 30 days
    result = alert_rules_run(tenant=tenant, day=DAY)
    assert result.fired == [(down_30.pk, "usage_down")]
    (task,) = result.opened
    assert task.title == "Usage down 30%"
    assert task.figures == {"usage_change_percent": -30.0, "threshold_percent": 30}


def test_nps_detractor_answered_on_the_day_fires(tenant):
    only(tenant, TaskKind.NPS_DETRACTOR)  # 6 or less
    six, seven, yesterday = account(tenant, "a"), account(tenant, "b"), account(tenant, "c")
    answer(tenant, six, "c-a", 6, DAY)
    answer(tenant, six, "c-a2", 3, DAY, hour=9)
    answer(tenant, seven, "c-b", 7, DAY)
    answer(tenant, yesterday, "c-c", 2, DAY - timedelta(days=1), hour=23)
    result = alert_rules_run(tenant=tenant, day=DAY)
    assert result.fired == [(six.pk, "nps_detractor")]
    (task,) = result.opened
    assert task.title == "NPS detractor: answered 3"
    assert task.figures == {
        "lowest_score": 3, "answers": 2, "max_score": 6, "day": DAY.isoformat(),
    }  # fmt: skip


def test_a_rules_task_reads_in_the_readers_language(tenant):
    """Opened by the nightly run in English, worded again from its figures in the language
    of whoever reads it; a task written by hand reads as written."""
    only(tenant, TaskKind.SCORE_FELL, points=20, window_days=7)
    acc = account(tenant, "a")
    score(tenant, acc, DAY - timedelta(days=7), 72, "good")
    score(tenant, acc, DAY, 50, "average")
    (task,) = alert_rules_run(tenant=tenant, day=DAY).opened
    assert task.shown_title == "Health score fell by 22 points"
    with translation.override("ru"):
        title, reason = task.words
    assert title != task.title and "22" in title
    assert reason != task.reason and "72" in reason and "50" in reason
    with translation.override("zh-hans"):
        assert "22" in task.shown_title and task.shown_title != task.title
    task.kind, task.title, task.reason = TaskKind.MANUAL, "Call Ana", "About the invoice"
    with translation.override("ru"):
        assert task.words == ("Call Ana", "About the invoice")
    task.kind, task.figures = TaskKind.SCORE_FELL, {"score": 1}  # a shape it cannot word
    assert task.words == ("Call Ana", "About the invoice")


def test_nps_detractor_reads_the_tenants_local_day(tenant):
    tenant.time_zone = "Asia/Tokyo"  # UTC+9
    tenant.save(update_fields=["time_zone"])
    only(tenant, TaskKind.NPS_DETRACTOR)
    acc = account(tenant, "a")
    answer(tenant, acc, "c-a", 0, DAY, hour=0)  # 00:00 in Tokyo: the day before in UTC
    assert alert_rules_run(tenant=tenant, day=DAY).fired == [(acc.pk, "nps_detractor")]


def test_renewal_within_n_days_and_band_not_good_fires(tenant):
    only(tenant, TaskKind.RENEWAL_AT_RISK, days=60)
    # (days left, band, term length, fires): a term no longer than the 60-day window (a
    # monthly plan) always renews soon, so it never fires.
    cases = {"in-60": (60, "average", 360, True), "in-61": (61, "poor", 361, False),
             "good": (10, "good", 310, False), "poor": (1, "poor", 301, True),
             "monthly": (5, "poor", 30, False), "sixty": (5, "poor", 60, False),
             "sixty-one": (5, "poor", 61, True)}  # fmt: skip
    accounts = {}
    for xid, (left, band, length, _) in cases.items():
        acc = accounts[xid] = account(tenant, xid)
        term(tenant, acc, DAY + timedelta(days=left - length), DAY + timedelta(days=left))
        score(tenant, acc, DAY, 50, band)
    no_score = account(tenant, "unscored")
    term(tenant, no_score, DAY - timedelta(days=300), DAY + timedelta(days=5))
    result = alert_rules_run(tenant=tenant, day=DAY, today=DAY)
    assert {a for a, _ in result.fired} == {accounts[x].pk for x, c in cases.items() if c[3]}
    task = next(t for t in result.opened if t.account_id == accounts["in-60"].pk)
    renews = DAY + timedelta(days=60)
    assert task.title == f"Renewal on {date_format(renews)}, health Average"
    assert task.figures["renews_on"] == str(renews) and task.figures["term_days"] == 360
    # Due a week after today unless the renewal comes first: then on its eve.
    soon = next(t for t in result.opened if t.account_id == accounts["poor"].pk)
    assert soon.due_on == DAY  # renews DAY + 1: its eve is DAY, this run's today
    assert task.due_on == DAY + timedelta(days=7)  # the rule's due_days


def test_no_activity_for_n_days_fires(tenant):
    only(tenant, TaskKind.NO_ACTIVITY, days=14)
    idle_14, idle_13, never = account(tenant, "a"), account(tenant, "b"), account(tenant, "c")
    active_days(tenant, idle_14, days_back(DAY, 20, 14))
    active_days(tenant, idle_13, days_back(DAY, 13))
    result = alert_rules_run(tenant=tenant, day=DAY)
    assert result.fired == [(idle_14.pk, "no_activity")]
    (task,) = result.opened
    assert task.title == "No activity for 14 days"
    assert task.figures["last_active_on"] == str(DAY - timedelta(days=14))
    assert never.pk not in {a for a, _ in result.fired}


def test_a_condition_opens_one_task_then_a_new_one_only_after_it_clears(tenant, owner):
    only(tenant, TaskKind.NO_ACTIVITY, days=14, due_days=4, priority="high")
    acc = account(tenant, "a")
    with tenant_scope(tenant):
        owner_membership = Membership.objects.get(user=owner)
        Account.objects.filter(pk=acc.pk).update(owner=owner_membership)
    active_days(tenant, acc, [DAY - timedelta(days=14)])

    # Run the morning after DAY: due 4 days after that morning.
    first = alert_rules_run(tenant=tenant, day=DAY, today=DAY + timedelta(days=1))
    (task,) = first.opened
    assert (task.due_on, task.priority, task.assignee_id) == (
        DAY + timedelta(days=5), "high", owner_membership.pk
    )  # fmt: skip
    # Running the day again, and the next days while the condition holds: nothing new.
    assert alert_rules_run(tenant=tenant, day=DAY).opened == []
    assert alert_rules_run(tenant=tenant, day=DAY + timedelta(days=1)).opened == []
    # Done, yet the account is still idle: no new task until the condition clears.
    task_complete(tenant=tenant, task=task)
    persists = alert_rules_run(tenant=tenant, day=DAY + timedelta(days=2))
    assert (persists.opened, persists.fired, persists.cleared) == ([], [], [])
    # Activity clears it...
    active_days(tenant, acc, [DAY + timedelta(days=3)])
    cleared = alert_rules_run(tenant=tenant, day=DAY + timedelta(days=3))
    assert cleared.cleared == [(acc.pk, "no_activity")] and cleared.opened == []
    # ...and idleness later opens a new task.
    later = DAY + timedelta(days=3 + 14)
    again = alert_rules_run(tenant=tenant, day=later)
    assert again.fired == [(acc.pk, "no_activity")]
    (second,) = again.opened
    assert second.pk != task.pk and second.status == TaskStatus.OPEN
    assert len(_tasks(tenant)) == 2
    with tenant_scope(tenant):
        firings = list(AlertFiring.objects.order_by("since").values_list(
            "since", "last_seen", "cleared_on", "task_id"
        ))  # fmt: skip
    assert firings == [
        (DAY, DAY + timedelta(days=2), DAY + timedelta(days=3), task.pk),
        (later, later, None, second.pk),
    ]


def test_a_condition_that_fires_again_while_its_task_is_open_opens_no_second_one(tenant):
    only(tenant, TaskKind.NPS_DETRACTOR)
    acc = account(tenant, "a")
    answer(tenant, acc, "c-a", 2, DAY)
    (task,) = alert_rules_run(tenant=tenant, day=DAY).opened
    # The next day nobody answers: the condition clears; the task stays open.
    assert alert_rules_run(tenant=tenant, day=DAY + timedelta(days=1)).cleared == [
        (acc.pk, "nps_detractor")
    ]
    answer(tenant, acc, "c-a", 1, DAY + timedelta(days=5))
    again = alert_rules_run(tenant=tenant, day=DAY + timedelta(days=5))
    assert again.fired == [(acc.pk, "nps_detractor")] and again.opened == []
    assert [t.pk for t in _tasks(tenant)] == [task.pk]
    with tenant_scope(tenant):
        assert AlertFiring.objects.get(cleared_on__isnull=True).task_id == task.pk


def test_a_disabled_rule_never_fires(tenant):
    for each in alert_rules_ensure_defaults(tenant=tenant):
        alert_rule_update(tenant=tenant, rule=each, enabled=False)
    acc = account(tenant, "a")
    active_days(tenant, acc, [DAY - timedelta(days=100)])
    answer(tenant, acc, "c-a", 0, DAY)
    score(tenant, acc, DAY - timedelta(days=7), 90, "good")
    score(tenant, acc, DAY - timedelta(days=1), 90, "good")
    score(tenant, acc, DAY, 10, "poor")
    result = alert_rules_run(tenant=tenant, day=DAY)
    assert (result.opened, result.fired) == ([], [])
    assert _tasks(tenant) == []
    # Switched on, the same day fires: the data was there all along.
    rule(tenant, TaskKind.NPS_DETRACTOR, enabled=True)
    assert alert_rules_run(tenant=tenant, day=DAY).fired == [(acc.pk, "nps_detractor")]


def test_tasks_of_accounts_without_an_owner_go_to_the_fallback(tenant, member):
    only(tenant, TaskKind.NO_ACTIVITY)
    acc = account(tenant, "a")
    active_days(tenant, acc, [DAY - timedelta(days=30)])
    settings = health_settings_for(tenant)
    with tenant_scope(tenant):
        settings.task_fallback_assignee = Membership.objects.get(user=member)
        settings.save()
    (task,) = alert_rules_run(tenant=tenant, day=DAY).opened
    assert task.assignee_id == settings.task_fallback_assignee_id


def test_churned_accounts_are_not_watched(tenant):
    only(tenant, TaskKind.NO_ACTIVITY)
    acc = account(tenant, "a", lifecycle_stage="churned")
    active_days(tenant, acc, [DAY - timedelta(days=30)])
    assert alert_rules_run(tenant=tenant, day=DAY).fired == []


def test_rules_of_another_tenant_see_nothing_of_this_one(tenant, other_tenant):
    only(tenant, TaskKind.NO_ACTIVITY)
    acc = account(tenant, "a")
    active_days(tenant, acc, [DAY - timedelta(days=30)])
    assert alert_rules_run(tenant=other_tenant, day=DAY).fired == []
    assert alert_rules_run(tenant=tenant, day=DAY).fired == [(acc.pk, "no_activity")]


@pytest.mark.parametrize(
    "kind, changes, field",
    [
        (TaskKind.SCORE_FELL, {"points": -5}, "points"),
        (TaskKind.SCORE_FELL, {"points": 0}, "points"),
        (TaskKind.SCORE_FELL, {"window_days": -1}, "window_days"),
        (TaskKind.SCORE_FELL, {"window_days": None}, "window_days"),
        (TaskKind.USAGE_DOWN, {"percent": -10}, "percent"),
        (TaskKind.USAGE_DOWN, {"percent": 101}, "percent"),
        (TaskKind.USAGE_DOWN, {"points": 5}, "points"),
        (TaskKind.NO_ACTIVITY, {"days": -3}, "days"),
        (TaskKind.NPS_DETRACTOR, {"max_score": 11}, "max_score"),
        (TaskKind.BAND_DROPPED, {"due_days": -1}, "due_days"),
        (TaskKind.BAND_DROPPED, {"priority": "urgent"}, "priority"),
        (TaskKind.BAND_DROPPED, {"name": "  "}, "name"),
        (TaskKind.BAND_DROPPED, {"kind": "no_activity"}, "kind"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(tenant, kind, changes, field):
    target = rule(tenant, kind)
    with pytest.raises(ValidationError) as error:
        alert_rule_update(tenant=tenant, rule=target, **changes)
    assert field in error.value.message_dict
    with tenant_scope(tenant):
        fresh = AlertRule.objects.get(pk=target.pk)
    assert (fresh.points, fresh.percent, fresh.name) == (target.points, target.percent, target.name)


def _population(tenant, count):
    """`count` accounts for which every rule fires on DAY."""
    for n in range(count):
        acc = account(tenant, f"a{n}")
        term(tenant, acc, DAY - timedelta(days=300), DAY + timedelta(days=30))
        usage(tenant, acc, DAY - timedelta(days=40), {"Login": 100})
        usage(tenant, acc, DAY - timedelta(days=20), {"Login": 10})
        answer(tenant, acc, f"c{n}", 1, DAY)
        score(tenant, acc, DAY - timedelta(days=7), 90, "good")
        score(tenant, acc, DAY - timedelta(days=1), 90, "good")
        score(tenant, acc, DAY, 30, "poor")


def _run_queries(tenant) -> tuple[int, int]:
    alert_rules_ensure_defaults(tenant=tenant)
    health_settings_for(tenant)
    with CaptureQueriesContext(connection) as queries:
        result = alert_rules_run(tenant=tenant, day=DAY)
    return len(queries), len(result.opened)


def test_a_run_costs_the_same_queries_for_3_or_30_accounts(tenant, other_tenant):
    _population(tenant, 3)
    _population(other_tenant, 30)
    small, opened_small = _run_queries(tenant)
    large, opened_large = _run_queries(other_tenant)
    assert (opened_small, opened_large) == (3 * 6, 30 * 6)  # every rule fired everywhere
    assert small == large
    assert small <= 30, small


def test_the_fallback_assignee_is_a_member_who_can_act(tenant, member, viewer, outsider):
    with tenant_scope(tenant):
        csm = Membership.objects.get(user=member)
        viewing = Membership.objects.get(user=viewer)
    assert task_fallback_assignee_set(tenant=tenant, assignee=csm).task_fallback_assignee == csm
    foreign = Membership.objects.unscoped().get(user=outsider)
    for refused in (viewing, foreign):
        with pytest.raises(ValidationError) as error:
            task_fallback_assignee_set(tenant=tenant, assignee=refused)
        assert "task_fallback_assignee" in error.value.message_dict
    assert health_settings_for(tenant).task_fallback_assignee_id == csm.pk
