"""Playbooks: due days from the start day, steps executed once however often the runner
runs, rule starts, stopping when the condition clears, the defaults, and bad input."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Account, Contact, CustomerEmail, EmailTemplate
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
from tenants.models import Membership, OutboxTask
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
    playbooks_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):  # only this test's playbooks
        Playbook.objects.exclude(key="").update(enabled=False)
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
        "onboarding-check-ins", "first-90-days",
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


def _fired_world(tenant, member, n, start=0):
    """n accounts (every other one owned by the CSM) with two contacts each, one an admin."""
    with tenant_scope(tenant):
        csm = Membership.objects.get(user=member)
    accounts = []
    for i in range(start, start + n):
        a = account(tenant, f"f{i}", owner=csm if i % 2 else None)
        with tenant_scope(tenant):
            Contact.objects.create(external_id=f"f{i}a", account=a, email=f"a{i}@x.test")
            Contact.objects.create(
                external_id=f"f{i}b", account=a, email=f"b{i}@x.test", traits={"role": "Admin"}
            )
        accounts.append(a)
    return accounts


def test_starting_for_many_fired_rules_takes_the_same_queries_for_3_and_30_accounts(
    tenant, member, owner, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from health.services.playbooks import playbooks_start_for_rules
    from health.services.tasks import health_settings_for

    playbooks_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        fallback = Membership.objects.get(user=owner)
        settings = health_settings_for(tenant)
        settings.task_fallback_assignee = fallback
        settings.save()
    _playbook(
        tenant, _task(0, "Now"), _email(0), _email(0, contact_role="admin"), _task(3, "Later"),
        trigger="usage_down", name="Usage",
    )  # fmt: skip
    _playbook(tenant, _task(0, "Only now"), trigger="usage_down", name="Done at once")

    counts = []
    for start, n in ((0, 3), (100, 30)):
        accounts = _fired_world(tenant, member, n, start)
        fired = [(a.pk, "usage_down") for a in accounts] + [(accounts[0].pk, "band_dropped")]
        with CaptureQueriesContext(connection) as queries:
            runs = playbooks_start_for_rules(tenant=tenant, fired=fired, day=DAY)
        counts.append(len(queries))
        # Two usage playbooks per account, and at-risk outreach on the first.
        assert len(runs) == 2 * n + 1
    assert counts[0] == counts[1]

    with tenant_scope(tenant):
        a = Account.objects.get(external_id="f101")  # owned by the CSM
        b = Account.objects.get(external_id="f100")  # no owner: the fallback
        now = Task.objects.get(account=a, title="Now")
        assert now.assignee.user == member and now.kind == TaskKind.PLAYBOOK
        assert Task.objects.get(account=b, title="Now").assignee == fallback
        assert now.due_on == DAY and now.reason.startswith("Playbook “Usage”")
        run = PlaybookRun.objects.get(account=a, playbook__name="Usage")
        steps = list(run.steps.order_by("position"))
        assert [s.status for s in steps] == ["done", "done", "done", "pending"]
        assert steps[0].task == now and now.condition_key == f"playbook-step:{steps[0].pk}"
        # Both contacts on the first email step, only the admin on the second.
        first, second = a.contacts.order_by("id")
        emails = CustomerEmail.objects.filter(source__in=[steps[1].source, steps[2].source])
        assert list(emails.order_by("id").values_list("to", "status", "idempotency_key")) == [
            ("a101@x.test", "queued", f"playbook-step:{steps[1].pk}:contact:{first.pk}"),
            ("b101@x.test", "queued", f"playbook-step:{steps[1].pk}:contact:{second.pk}"),
            ("b101@x.test", "queued", f"playbook-step:{steps[2].pk}:contact:{second.pk}"),
        ]
        assert steps[1].email.to == "a101@x.test"
        assert run.status == RunStatus.RUNNING
        done = PlaybookRun.objects.get(account=a, playbook__name="Done at once")
        assert done.status == RunStatus.COMPLETED and done.finished_at is not None
        assert OutboxTask.objects.filter(
            task_name__endswith="customer_email_send_task"
        ).count() == (CustomerEmail.objects.filter(status="queued").count())
    # Running ones are skipped (a completed one starts again, as one start at a time does).
    fired = [(a.pk, "usage_down"), (b.pk, "usage_down")]
    again = playbooks_start_for_rules(tenant=tenant, fired=fired, day=DAY)
    assert [r.playbook.name for r in again] == ["Done at once", "Done at once"]
    with tenant_scope(tenant):
        assert Task.objects.filter(account=a, title="Now").count() == 1


def test_many_starts_run_the_same_steps_as_one_start_at_a_time(
    tenant, member, django_capture_on_commit_callbacks
):
    """The bulk path sends the same emails, skips unsubscribed addresses, and the due-steps
    runner continues the runs it started."""
    from health.services.playbooks import playbooks_start_for_rules

    playbooks_ensure_defaults(tenant=tenant)
    _playbook(tenant, _email(0), _task(2, "Later"), trigger="usage_down", name="Usage")
    a, b = _fired_world(tenant, member, 2)
    with tenant_scope(tenant):
        Contact.objects.filter(email="b1@x.test").update(email_unsubscribed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        runs = playbooks_start_for_rules(
            tenant=tenant, fired=[(a.pk, "usage_down"), (b.pk, "usage_down")], day=DAY
        )
    assert len(runs) == 2
    with tenant_scope(tenant):
        statuses = dict(CustomerEmail.objects.values_list("to", "status"))
    assert statuses == {
        "a0@x.test": "sent", "b0@x.test": "sent", "a1@x.test": "sent",
        "b1@x.test": "skipped_unsubscribed",
    }  # fmt: skip
    assert playbook_steps_due_run(tenant=tenant, day=DAY + timedelta(2)) == 2
    with tenant_scope(tenant):
        assert Task.objects.filter(title="Later").count() == 2
        assert set(PlaybookRun.objects.values_list("status", flat=True)) == {"completed"}


def test_a_rule_starts_the_default_playbooks_of_a_tenant_that_never_opened_them(tenant):
    a = account(tenant, "a1")
    started = playbooks_start_for_rule(
        tenant=tenant, account_id=a.pk, rule_kind="band_dropped", day=DAY
    )
    assert [run.playbook.key for run in started] == ["at-risk-outreach"]
