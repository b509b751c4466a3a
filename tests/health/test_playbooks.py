"""Playbooks: due days from the start day, steps executed once however often the runner
runs, rule starts, stopping when the condition clears, the defaults, and bad input."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Contact, CustomerEmail, EmailTemplate
from health.models import (
    Playbook,
    PlaybookRun,
    PlaybookStep,
    RunStatus,
    RunStepStatus,
    Task,
    TaskKind,
    TaskStatus,
)
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.playbooks import (
    playbook_start,
    playbook_steps_due_run,
    playbook_stop,
    playbooks_start_for_rule,
    playbooks_stop_cleared,
)
from health.tasks import playbook_steps_due_all
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)


def _playbook(tenant, *steps, **fields) -> Playbook:
    with tenant_scope(tenant):
        playbook = Playbook.objects.create(name=fields.pop("name", "Test"), **fields)
        for n, step in enumerate(steps):
            PlaybookStep.objects.create(playbook=playbook, position=n, **step)
    return playbook


def _task(day, title="Call", **more):
    return {"day_offset": day, "kind": "task", "task_title": title, **more}


def _email(day, key="referral-ask", **more):
    return {"day_offset": day, "kind": "email", "email_template_key": key, **more}


def test_due_days_are_the_start_day_plus_each_offset(tenant):
    a = account(tenant, "a1")
    playbook = _playbook(tenant, _task(0), _task(30, "Check"), _task(90, "Review"))
    run, created = playbook_start(tenant=tenant, playbook=playbook, account=a, day=DAY)
    assert created and run.started_on == DAY and run.trigger_kind == "manual"
    with tenant_scope(tenant):
        steps = list(run.steps.order_by("position"))
        task = Task.objects.get()
    assert [s.due_on for s in steps] == [DAY, DAY + timedelta(30), DAY + timedelta(90)]
    # The day-0 step ran at the start: a playbook task keyed by its step.
    assert [s.status for s in steps] == ["done", "pending", "pending"]
    assert (task.kind, task.title, task.due_on) == (TaskKind.PLAYBOOK, "Call", DAY)
    assert task.condition_key == f"playbook-step:{steps[0].pk}"


def test_the_hourly_task_runs_steps_due_by_the_tenants_local_today(tenant):
    tenant.time_zone = "Pacific/Kiritimati"  # UTC+14: its today is often UTC's tomorrow
    tenant.save()
    local_today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    a = account(tenant, "a1")
    playbook = _playbook(tenant, _task(0, "Start"), _task(1, "Tomorrow"))
    run, _ = playbook_start(
        tenant=tenant, playbook=playbook, account=a, day=local_today - timedelta(1)
    )
    playbook_steps_due_all.delay()  # eager: fans out to this tenant
    with tenant_scope(tenant):
        assert set(run.steps.values_list("status", flat=True)) == {"done"}
        run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED


def test_steps_run_once_however_often_the_runner_runs(tenant, django_capture_on_commit_callbacks):
    playbooks_ensure_defaults(tenant=tenant)
    a = account(tenant, "a1")
    with tenant_scope(tenant):
        Contact.objects.create(external_id="c1", account=a, email="x@a.test")
        Contact.objects.create(
            external_id="c2", account=a, email="y@a.test", traits={"role": "Admin"}
        )
    playbook = _playbook(tenant, _task(2), _email(2), _email(3, contact_role="admin"))
    run, _ = playbook_start(tenant=tenant, playbook=playbook, account=a, day=DAY)
    assert playbook_steps_due_run(tenant=tenant, day=DAY + timedelta(1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert playbook_steps_due_run(tenant=tenant, day=DAY + timedelta(3)) == 3
        assert playbook_steps_due_run(tenant=tenant, day=DAY + timedelta(3)) == 0
        assert playbook_steps_due_run(tenant=tenant, day=DAY + timedelta(30)) == 0
    with tenant_scope(tenant):
        assert Task.objects.count() == 1
        emails = list(CustomerEmail.objects.order_by("id").values_list("to", "status"))
        run.refresh_from_db()
    # Both contacts on day 2; only the one whose role is "admin" on day 3.
    assert emails == [("x@a.test", "sent"), ("y@a.test", "sent"), ("y@a.test", "sent")]
    assert run.status == RunStatus.COMPLETED and run.finished_at is not None


def test_one_running_run_per_account_and_playbook(tenant):
    a = account(tenant, "a1")
    playbook = _playbook(tenant, _task(5))
    first, created = playbook_start(tenant=tenant, playbook=playbook, account=a, day=DAY)
    again, created_again = playbook_start(tenant=tenant, playbook=playbook, account=a, day=DAY)
    assert created and not created_again and again.pk == first.pk
    assert playbook_stop(tenant=tenant, run=first) == 1
    third, created = playbook_start(tenant=tenant, playbook=playbook, account=a, day=DAY)
    assert created and third.pk != first.pk


def test_editing_a_playbook_leaves_running_runs_alone(tenant):
    a = account(tenant, "a1")
    playbook = _playbook(tenant, _task(5, "Old title"))
    run, _ = playbook_start(tenant=tenant, playbook=playbook, account=a, day=DAY)
    with tenant_scope(tenant):
        PlaybookStep.objects.filter(playbook=playbook).update(task_title="New", day_offset=1)
    playbook_steps_due_run(tenant=tenant, day=DAY + timedelta(5))
    with tenant_scope(tenant):
        assert Task.objects.get().title == "Old title"


def test_a_rule_starts_its_playbooks_and_clearing_stops_them(tenant):
    a, b = account(tenant, "a1"), account(tenant, "b1")
    stops = _playbook(
        tenant, _task(0, "Call now"), _task(7, "Later"), trigger="band_dropped",
        stop_when_cleared=True, name="Stops",
    )  # fmt: skip
    keeps = _playbook(tenant, _task(7, "Keep"), trigger="band_dropped", name="Keeps")
    _playbook(tenant, _task(0), trigger="usage_down", name="Other rule")
    _playbook(tenant, _task(0), trigger="band_dropped", enabled=False, name="Off")
    started = playbooks_start_for_rule(
        tenant=tenant, account_id=a.pk, rule_kind="band_dropped", day=DAY
    )
    assert {r.playbook_id for r in started} == {stops.pk, keeps.pk}
    assert (
        playbooks_start_for_rule(tenant=tenant, account_id=a.pk, rule_kind="band_dropped", day=DAY)
        == []
    )  # already running
    playbooks_start_for_rule(tenant=tenant, account_id=b.pk, rule_kind="band_dropped", day=DAY)

    assert playbooks_stop_cleared(tenant=tenant, cleared=[(a.pk, "band_dropped")]) == 1
    assert playbooks_stop_cleared(tenant=tenant, cleared=[(a.pk, "band_dropped")]) == 0
    with tenant_scope(tenant):
        stopped = PlaybookRun.objects.get(account=a, playbook=stops)
        assert stopped.status == RunStatus.STOPPED and stopped.stopped_reason
        assert set(stopped.steps.values_list("status", flat=True)) == {"done", "skipped"}
        assert Task.objects.get(account=a, title="Call now").status == TaskStatus.CANCELLED
        assert PlaybookRun.objects.get(account=a, playbook=keeps).status == RunStatus.RUNNING
        assert PlaybookRun.objects.get(account=b, playbook=stops).status == RunStatus.RUNNING
    # Skipped steps never run.
    playbook_steps_due_run(tenant=tenant, day=DAY + timedelta(30))
    with tenant_scope(tenant):
        assert not Task.objects.filter(account=a, title="Later").exists()


def test_a_rule_for_an_unknown_or_foreign_account_starts_nothing(tenant, other_tenant):
    foreign = account(other_tenant, "x1")
    _playbook(tenant, _task(0), trigger="band_dropped")
    assert (
        playbooks_start_for_rule(
            tenant=tenant, account_id=foreign.pk, rule_kind="band_dropped", day=DAY
        )
        == []
    )


def test_a_switched_off_playbook_does_not_start(tenant):
    a = account(tenant, "a1")
    playbook = _playbook(tenant, _task(0), enabled=False)
    with pytest.raises(ValidationError) as error:
        playbook_start(tenant=tenant, playbook=playbook, account=a, day=DAY)
    assert "playbook" in error.value.message_dict


def test_defaults_ship_once_with_templates_in_four_languages(tenant):
    added = playbooks_ensure_defaults(tenant=tenant)
    assert playbooks_ensure_defaults(tenant=tenant) == []
    assert {p.key for p in added} == {
        "at-risk-outreach", "renewal-preparation", "success-stories", "promoter-asks",
        "first-90-days",
    }  # fmt: skip
    with tenant_scope(tenant):
        at_risk = Playbook.objects.get(key="at-risk-outreach")
        assert (at_risk.trigger, at_risk.stop_when_cleared) == ("band_dropped", True)
        assert Playbook.objects.get(key="renewal-preparation").trigger == "renewal_at_risk"
        first = Playbook.objects.get(key="first-90-days")
        assert [s.day_offset for s in first.steps.all()] == [0, 30, 60, 90]
        keys = set(PlaybookStep.objects.exclude(email_template_key="").values_list(
            "email_template_key", flat=True))  # fmt: skip
        for key in keys:
            languages = set(
                EmailTemplate.objects.filter(key=key).values_list("language", flat=True)
            )
            assert languages == {"en", "zh-hans", "ru", "ro"}, key


def test_run_steps_of_other_tenants_are_not_run(tenant, other_tenant):
    a = account(other_tenant, "a1")
    playbook = _playbook(other_tenant, _task(3))
    playbook_start(tenant=other_tenant, playbook=playbook, account=a, day=DAY)
    assert playbook_steps_due_run(tenant=tenant, day=DAY + timedelta(5)) == 0
    with tenant_scope(other_tenant):
        assert RunStepStatus.PENDING in set(
            PlaybookRun.objects.get().steps.values_list("status", flat=True)
        )


def test_another_tenants_playbook_or_account_is_refused(tenant, other_tenant):
    mine, theirs = account(tenant, "a1"), account(other_tenant, "x1")
    my_playbook = _playbook(tenant, _task(0))
    their_playbook = _playbook(other_tenant, _task(0))
    for playbook, acct, field in [
        (their_playbook, mine, "playbook"),
        (my_playbook, theirs, "account"),
    ]:
        with pytest.raises(ValidationError) as error:
            playbook_start(tenant=tenant, playbook=playbook, account=acct, day=DAY)
        assert field in error.value.message_dict
    with tenant_scope(tenant):
        assert not PlaybookRun.objects.exists()
