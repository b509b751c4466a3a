"""Steps that complete themselves: an event step once its event has arrived N times since
the plan started (once, whatever the duplicates; from the batch endpoint, Segment's calls,
or the sweep), a trait step once the account's trait reaches its value; and the ingestion
statement count stays the same whatever the batch's size."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, Contact
from accounts.services.accounts import account_upsert
from metrics.services.onboarding_events import onboarding_steps_sweep
from onboarding.models import PlanStep, StepStatus
from onboarding.services.auto_steps import trait_reached
from onboarding.services.plans import plan_start
from onboarding.services.templates import template_save
from tenants.tenancy.context import cross_tenant, tenant_scope

URL = "/api/v1/events/batch/"


def _plan(tenant, account, day=None):
    steps = [
        {"key": "invite", "title": {"en": "Invite three teammates"}, "completed_by": "event",
         "event_name": "user_invited", "event_count": 3},
        {"key": "seats", "title": {"en": "Buy ten seats"}, "completed_by": "trait",
         "trait_name": "seats", "trait_value": "10"},
        {"key": "tour", "title": {"en": "Take the tour"}},
    ]  # fmt: skip
    template = template_save(tenant=tenant, name="Main", is_default=True, steps=steps,
                             milestones={"activated": "invite"})  # fmt: skip
    return plan_start(tenant=tenant, account=account, template=template, day=day)[0]


def _account(tenant, xid="acme", **values):
    with tenant_scope(tenant):
        return Account.objects.create(external_id=xid, name=xid, **values)


def _step(plan, key):
    with tenant_scope(plan.tenant):
        return PlanStep.objects.get(plan=plan, key=key)


def _events(n0, n, name="user_invited", **ids):
    ids = ids or {"account_external_id": "acme"}
    now = timezone.now().isoformat()
    return [{"message_id": f"m-{i}", "event": name, "timestamp": now, **ids}
            for i in range(n0, n0 + n)]  # fmt: skip


def _post(api, events, capture):
    with capture(execute=True):
        response = api.post(URL, {"events": events}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.django_db
def test_an_event_step_completes_once_at_its_count_whatever_the_duplicates(
    tenant, api, django_capture_on_commit_callbacks
):
    plan = _plan(tenant, _account(tenant))
    _post(api, _events(0, 2), django_capture_on_commit_callbacks)
    assert _step(plan, "invite").status == StepStatus.OPEN  # 2 of 3
    body = _post(api, _events(0, 2), django_capture_on_commit_callbacks)  # sent again
    assert body["duplicates"] == 2
    assert _step(plan, "invite").status == StepStatus.OPEN  # still 2: duplicates count once
    _post(api, _events(2, 1), django_capture_on_commit_callbacks)
    done = _step(plan, "invite")
    assert done.status == StepStatus.DONE and done.done_at is not None
    assert done.done_by_contact is None and done.done_by_member is None
    _post(api, _events(3, 5), django_capture_on_commit_callbacks)
    assert _step(plan, "invite").done_at == done.done_at  # completed once


@pytest.mark.django_db
def test_events_before_the_plan_started_and_other_accounts_events_do_not_count(
    tenant, api, django_capture_on_commit_callbacks
):
    account = _account(tenant)
    _account(tenant, "umbra")
    old = (timezone.now() - timedelta(days=3)).isoformat()
    early = [{**event, "timestamp": old} for event in _events(0, 3)]
    _post(api, early, django_capture_on_commit_callbacks)
    plan = _plan(tenant, account)
    _post(api, _events(10, 3, account_external_id="umbra"), django_capture_on_commit_callbacks)
    _post(api, _events(20, 2), django_capture_on_commit_callbacks)
    assert _step(plan, "invite").status == StepStatus.OPEN
    # A contact's events count for the contact's account.
    with tenant_scope(tenant):
        Contact.objects.create(external_id="ann", account=account, email="ann@acme.test")
    _post(api, _events(30, 1, contact_external_id="ann"), django_capture_on_commit_callbacks)
    assert _step(plan, "invite").status == StepStatus.DONE


@pytest.mark.django_db
def test_segment_track_calls_complete_event_steps(
    tenant, api_key, client, django_capture_on_commit_callbacks
):
    import base64

    account = _account(tenant)
    with tenant_scope(tenant):
        Contact.objects.create(external_id="u1", account=account, email="u1@acme.test")
    plan = _plan(tenant, account)
    auth = "Basic " + base64.b64encode(f"{api_key[1]}:".encode()).decode()
    batch = [{"type": "track", "event": "user_invited", "userId": "u1", "messageId": f"s-{n}",
              "timestamp": timezone.now().isoformat()} for n in range(3)]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/v1/batch", {"batch": batch}, content_type="application/json",
                               HTTP_AUTHORIZATION=auth)  # fmt: skip
    assert response.status_code == 200, response.content
    assert _step(plan, "invite").status == StepStatus.DONE


@pytest.mark.django_db
def test_the_batch_costs_the_same_statements_whatever_its_size(
    tenant, api, django_capture_on_commit_callbacks
):
    _plan(tenant, _account(tenant))
    _account(tenant, "umbra")
    _post(api, _events(0, 1, name="login"), django_capture_on_commit_callbacks)  # warm-up
    counts = []
    for n0, n in ((10, 1), (100, 200)):
        with CaptureQueriesContext(connection) as queries:
            _post(api, _events(n0, n, name="login"), django_capture_on_commit_callbacks)
        counts.append(len(queries))
    # Events a step waits for (of an account without a plan, so the step stays open) add
    # one queued task per batch, not per event, and the task's reads do not grow either.
    watched = []
    for n0, n in ((1000, 1), (2000, 200)):
        with CaptureQueriesContext(connection) as queries:
            _post(api, _events(n0, n, account_external_id="umbra"),
                  django_capture_on_commit_callbacks)  # fmt: skip
        watched.append(len(queries))
    assert counts[0] == counts[1]
    assert watched[0] == watched[1] > counts[0]


@pytest.mark.django_db
def test_trait_steps_complete_when_the_account_is_written_with_the_trait(tenant):
    account = _account(tenant, traits={"seats": 4})
    plan = _plan(tenant, account)
    assert _step(plan, "seats").status == StepStatus.OPEN
    with tenant_scope(tenant):
        account_upsert(tenant=tenant, external_id="acme", traits={"seats": 9})
    assert _step(plan, "seats").status == StepStatus.OPEN
    with tenant_scope(tenant):
        account_upsert(tenant=tenant, external_id="acme", traits={"seats": 12})
    assert _step(plan, "seats").status == StepStatus.DONE


@pytest.mark.django_db
def test_a_plan_started_for_an_account_that_has_the_trait_completes_the_step(tenant):
    plan = _plan(tenant, _account(tenant, traits={"seats": "25"}))
    assert _step(plan, "seats").status == StepStatus.DONE


@pytest.mark.parametrize(
    "value, wanted, reached",
    [
        (10, "10", True), (12.5, "10", True), ("9", "10", False), ("Pro", "pro", True),
        ("Basic", "pro", False), (True, "true", True), (False, "true", False),
        (None, "1", False), ("NaN", "1", False), ([1, 2], "1", False),
    ],
)  # fmt: skip
def test_trait_reached(value, wanted, reached):
    assert trait_reached(value, wanted) is reached


@pytest.mark.django_db
def test_the_sweep_completes_steps_whose_task_was_lost(tenant):
    from metrics.ingestion.events import events_ingest

    account = _account(tenant)
    plan = _plan(tenant, account)
    with tenant_scope(tenant):
        # Stored with the tasks not run (no commit callbacks in this test's transaction).
        events_ingest(tenant=tenant, events=_events(0, 3), received_at=timezone.now())
        Account.objects.filter(pk=account.pk).update(traits={"seats": 10})
    assert _step(plan, "invite").status == StepStatus.OPEN
    assert onboarding_steps_sweep(tenant=tenant) == 2
    assert _step(plan, "invite").status == StepStatus.DONE
    assert _step(plan, "seats").status == StepStatus.DONE
    assert onboarding_steps_sweep(tenant=tenant) == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_completes_the_step_seconds_after_the_event(tenant, api, worker):
    plan = _plan(tenant, _account(tenant))
    response = api.post(URL, {"events": _events(0, 3)}, format="json")
    assert response.status_code == 200, response.json()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with cross_tenant():
            step = PlanStep.objects.unscoped().get(plan=plan, key="invite")
        if step.status == StepStatus.DONE:
            break
        assert worker.poll() is None, "the worker died"
        time.sleep(0.2)
    assert step.status == StepStatus.DONE


@pytest.mark.django_db
def test_with_the_broker_down_events_are_stored_and_the_sweep_completes_the_step(
    tenant, api, broker_down, django_capture_on_commit_callbacks
):
    plan = _plan(tenant, _account(tenant))
    body = _post(api, _events(0, 3), django_capture_on_commit_callbacks)
    assert body["accepted"] == 3  # the check could not be queued; the events are stored
    assert _step(plan, "invite").status == StepStatus.OPEN
    assert onboarding_steps_sweep(tenant=tenant) == 1
    assert _step(plan, "invite").status == StepStatus.DONE


@pytest.mark.django_db
def test_a_csv_import_of_accounts_completes_trait_steps(
    tenant, member_client, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import ImportJob

    plan = _plan(tenant, _account(tenant, traits={"seats": 2}))
    content = 'external_id,name,traits\nacme,Acme,"{""seats"": 40}"\n'
    upload = SimpleUploadedFile("data.csv", content.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/data/", {"kind": "accounts", "file": upload})
    job = ImportJob.objects.for_tenant(tenant).latest("id")
    assert job.status == ImportJob.Status.VALIDATED, job.errors
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(f"/data/imports/{job.pk}/apply/")
    assert _step(plan, "seats").status == StepStatus.DONE
