"""Health's side of onboarding: the "onboarding stalled" alert rule (one task per stalled
plan, worded in the reader's language, tunable N days) and the check-in tasks of the
"Onboarding check-ins" playbook, started when a plan starts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from health.models import PlaybookRun, RunStatus, Task, TaskKind
from health.services.onboarding_checkins import onboarding_checkins_start
from health.services.playbooks import playbook_steps_due_run, playbook_stop
from health.services.rules import alert_rules_run
from health.tasks import playbook_steps_due
from onboarding.models import Plan, PlanStep
from onboarding.services.plans import step_complete
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import russian_with
from tests.health.rules_helpers import only
from tests.onboarding.helpers import DAY, checklist, planned

pytestmark = pytest.mark.django_db


def test_a_stalled_onboarding_opens_one_task_until_it_moves_again(tenant):
    only(tenant, TaskKind.ONBOARDING_STALLED, days=7, due_days=2)
    checklist(tenant)
    stuck, plan = planned(
        tenant, "stuck", DAY - timedelta(days=9), {"kickoff": DAY - timedelta(days=9)}
    )
    fresh, _ = planned(tenant, "fresh", DAY - timedelta(days=2))
    first = alert_rules_run(tenant=tenant, day=DAY, today=DAY)
    assert first.fired == [(stuck.pk, "onboarding_stalled")]
    (task,) = first.opened
    assert task.title == "Onboarding stalled at “Invite your team”"
    assert task.reason == (
        f"No onboarding step was completed since {date_format(DAY - timedelta(days=9))}"
        " (the rule fires after more than 7 days)."
    )
    assert task.due_on == DAY + timedelta(days=2)
    # Read in Russian: the step's own Russian title, the words translated.
    with russian_with("Onboarding stalled at “%(step)s”", "Онбординг застрял на «%(step)s»"):
        assert task.shown_title == "Онбординг застрял на «Пригласите команду»"
    # Still stalled the next day: no second task.
    assert alert_rules_run(tenant=tenant, day=DAY + timedelta(days=1)).opened == []
    # It moves: the condition clears.
    with tenant_scope(tenant):
        invite = PlanStep.objects.get(plan=plan, key="invite")
    step_complete(tenant=tenant, step=invite)
    moved = alert_rules_run(tenant=tenant, day=DAY + timedelta(days=2))
    assert moved.cleared == [(stuck.pk, "onboarding_stalled")]
    assert fresh.pk not in {a for a, _ in moved.fired}


def test_the_rules_days_are_its_n(tenant):
    only(tenant, TaskKind.ONBOARDING_STALLED, days=20)
    checklist(tenant)
    planned(tenant, "stuck", DAY - timedelta(days=15))
    assert alert_rules_run(tenant=tenant, day=DAY).fired == []
    assert len(alert_rules_run(tenant=tenant, day=DAY + timedelta(days=6)).opened) == 1


def test_check_in_tasks_come_on_days_7_30_60_and_90_of_the_plan(tenant):
    checklist(tenant)
    today = tenant.today()
    started = today - timedelta(days=2)
    account, _ = planned(tenant, "new", started)
    old_account, old_plan = planned(tenant, "long-ago", today - timedelta(days=40))
    with tenant_scope(tenant):  # made back then: before the pick-up window
        Plan.objects.filter(pk=old_plan.pk).update(created_at=timezone.now() - timedelta(days=40))
    # The hourly playbook job starts the check-ins from the plan's start day.
    playbook_steps_due.delay(tenant.pk)
    with tenant_scope(tenant):
        (run,) = PlaybookRun.objects.all()
        assert (run.account_id, run.started_on, run.trigger_kind) == (
            account.pk, started, "plan_started"
        )  # fmt: skip
        assert [s.due_on - started for s in run.steps.order_by("position")] == [
            timedelta(days=d) for d in (7, 30, 60, 90)
        ]
        assert not Task.objects.exists()
    assert onboarding_checkins_start(tenant=tenant, today=today) == []  # once
    playbook_steps_due_run(tenant=tenant, day=started + timedelta(days=7))
    with tenant_scope(tenant):
        (task,) = Task.objects.all()
    assert (task.title, task.kind, task.account_id) == (
        "Onboarding check-in: the first week", TaskKind.PLAYBOOK, account.pk
    )  # fmt: skip
    # Stopped by hand, the check-ins do not start again.
    playbook_stop(tenant=tenant, run=run)
    assert onboarding_checkins_start(tenant=tenant, today=today) == []
    with tenant_scope(tenant):
        assert PlaybookRun.objects.get().status == RunStatus.STOPPED


def test_a_plan_made_today_for_a_term_weeks_old_counts_check_ins_from_today(tenant):
    checklist(tenant)
    today = tenant.today()
    account, _ = planned(tenant, "imported", today - timedelta(days=20))
    (run,) = onboarding_checkins_start(tenant=tenant, today=today)
    assert (run.account_id, run.started_on) == (account.pk, today)
    with tenant_scope(tenant):
        assert not Task.objects.exists()  # no past check-in opened at once
    assert onboarding_checkins_start(tenant=tenant, today=today) == []
