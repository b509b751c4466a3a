"""Webhook events are written with the change that causes them (an outbox): a change rolled
back emits nothing, a committed one has its message, deliveries and queued task; emitting
costs one query with no endpoint subscribed and a fixed number with any number of events;
each service that causes an event emits it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.csv_io.apply import import_job_apply
from accounts.csv_io.validate import import_job_validate
from accounts.models import Contact, ImportJob
from accounts.services.accounts import account_upsert
from accounts.services.nps import nps_response_record
from health.services.tasks import task_open
from health.webhook_events import health_bands_changed_emit
from tenants.models import OutboxTask, WebhookDelivery, WebhookEndpoint, WebhookMessage
from tenants.services.webhooks import (
    webhook_endpoint_create,
    webhook_endpoint_set_enabled,
    webhook_event_emit,
    webhook_events_emit,
)
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account
from tests.health.rules_helpers import score

pytestmark = pytest.mark.django_db

EVERY_EVENT = ["account.churned", "task.opened", "nps.answered", "account.health_band_changed"]


@pytest.fixture
def endpoint(tenant):
    return webhook_endpoint_create(
        tenant=tenant, url="https://8.8.8.8/hooks", event_types=EVERY_EVENT
    )


def _messages(tenant, event_type=None):
    messages = WebhookMessage.objects.for_tenant(tenant).order_by("pk")
    if event_type:
        messages = messages.filter(event_type=event_type)
    return list(messages)


class Boom(Exception):
    pass


def test_a_change_rolled_back_emits_nothing(tenant, endpoint):
    with pytest.raises(Boom), transaction.atomic():
        acct = account(tenant, "acme-1")
        account_upsert(tenant=tenant, external_id="acme-1", lifecycle_stage="churned")
        assert len(_messages(tenant)) == 1  # written in the change's own transaction
        raise Boom
    assert acct.pk is not None
    assert _messages(tenant) == []
    assert not WebhookDelivery.objects.for_tenant(tenant).exists()
    assert not OutboxTask.objects.for_tenant(tenant).exists()


def test_a_committed_change_has_its_message_delivery_and_queued_send(tenant, endpoint):
    account(tenant, "acme-1")
    with transaction.atomic():
        account_upsert(tenant=tenant, external_id="acme-1", lifecycle_stage="churned")
        (message,) = _messages(tenant, "account.churned")
        (delivery,) = WebhookDelivery.objects.for_tenant(tenant).all()
        (task,) = OutboxTask.objects.for_tenant(tenant).all()
    assert message.msg_id.startswith("msg_")
    assert message.payload["type"] == "account.churned"
    assert message.payload["data"]["account_external_id"] == "acme-1"
    assert delivery.endpoint_id == endpoint.pk and delivery.message_id == message.pk
    assert task.task_name == "tenants.tasks.webhook_delivery_send"
    assert task.args == [tenant.pk, delivery.pk]


def test_no_endpoint_costs_one_query_however_many_events(tenant, django_assert_num_queries):
    webhook_endpoint_create(tenant=tenant, url="https://8.8.8.8/h", event_types=["task.opened"])
    with django_assert_num_queries(1):
        webhook_events_emit(
            tenant=tenant, event_type="account.churned", items=[{"n": n} for n in range(200)]
        )
    assert _messages(tenant) == []


def _queries(tenant, count: int) -> int:
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        webhook_events_emit(
            tenant=tenant, event_type="task.opened", items=[{"n": n} for n in range(count)]
        )
    return len(queries)


def test_many_events_cost_as_many_queries_as_one(tenant, endpoint):
    webhook_endpoint_create(tenant=tenant, url="https://8.8.4.4/h", event_types=["task.opened"])
    assert _queries(tenant, 1) == _queries(tenant, 300)
    assert WebhookDelivery.objects.for_tenant(tenant).count() == 2 * 301


def test_a_disabled_endpoint_and_other_tenants_endpoints_get_nothing(
    tenant, other_tenant, endpoint
):
    webhook_endpoint_create(
        tenant=other_tenant, url="https://8.8.4.4/h", event_types=["task.opened"]
    )
    webhook_endpoint_set_enabled(tenant=tenant, endpoint=endpoint, enabled=False)
    assert webhook_event_emit(tenant=tenant, event_type="task.opened", data={}) == 0
    assert not WebhookDelivery.objects.unscoped().exists()


def test_unknown_event_types_are_a_programming_error(tenant):
    with pytest.raises(ValueError):
        webhook_event_emit(tenant=tenant, event_type="account.exploded", data={})


def test_task_open_emits_task_opened(tenant, endpoint):
    acct = account(tenant, "acme-1")
    task, _ = task_open(tenant=tenant, account=acct, title="Call them", due_on=date(2026, 7, 1))
    (message,) = _messages(tenant, "task.opened")
    data = message.payload["data"]
    assert data["task_id"] == task.pk and data["account_external_id"] == "acme-1"
    assert data["title"] == "Call them" and data["due_on"] == "2026-07-01"
    # The same condition again opens nothing, and emits nothing.
    task_open(tenant=tenant, account=acct, title="x", due_on=date(2026, 7, 1), condition_key="k")
    task_open(tenant=tenant, account=acct, title="x", due_on=date(2026, 7, 1), condition_key="k")
    assert len(_messages(tenant, "task.opened")) == 2


def test_an_nps_answer_emits_nps_answered_once(tenant, endpoint):
    acct = account(tenant, "acme-1")
    with tenant_scope(tenant):
        contact = Contact.objects.create(account=acct, external_id="c-1", email="c@acme.test")
    answered = datetime(2026, 6, 1, 12, tzinfo=UTC)
    for _ in range(2):  # resent with its external id: one answer, one event
        nps_response_record(
            tenant=tenant, external_id="nps-1", contact=contact, score=3, answered_at=answered
        )
    (message,) = _messages(tenant, "nps.answered")
    data = message.payload["data"]
    assert data["score"] == 3 and data["external_id"] == "nps-1"
    assert data["account_external_id"] == "acme-1" and data["contact_external_id"] == "c-1"


def test_an_account_becoming_churned_emits_once(tenant, endpoint):
    account_upsert(tenant=tenant, external_id="acme-1", name="Acme", lifecycle_stage="adoption")
    assert _messages(tenant, "account.churned") == []
    account_upsert(tenant=tenant, external_id="acme-1", lifecycle_stage="churned")
    account_upsert(tenant=tenant, external_id="acme-1", lifecycle_stage="churned", name="A2")
    (message,) = _messages(tenant, "account.churned")
    assert message.payload["data"]["account_name"] == "Acme"


def test_a_csv_import_emits_churned_for_accounts_it_churns(tenant, endpoint):
    account(tenant, "a1", lifecycle_stage="adoption")
    account(tenant, "a2", lifecycle_stage="churned")  # churned already: no new event
    account(tenant, "a3", lifecycle_stage="adoption")
    content = (
        "external_id,name,lifecycle_stage\n"
        "a1,One,churned\na2,Two,churned\na3,Three,renewal\na4,Four,churned\na5,Five,trial\n"
    )
    job = ImportJob.objects.for_tenant(tenant).create(
        tenant=tenant, kind="accounts", original_filename="f.csv", content=content
    )
    job = import_job_validate(tenant=tenant, job_id=job.pk)
    assert job.status == ImportJob.Status.VALIDATED, job.errors[:3]
    ImportJob.objects.for_tenant(tenant).filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)
    job = import_job_apply(tenant=tenant, job_id=job.pk)
    assert job.status == ImportJob.Status.APPLIED, job.errors[:3]
    churned = sorted(
        m.payload["data"]["account_external_id"] for m in _messages(tenant, "account.churned")
    )
    assert churned == ["a1", "a4"]


def test_health_band_changes_against_the_previous_scored_day(
    tenant, endpoint, django_assert_max_num_queries
):
    day = date(2026, 6, 30)
    steady, fell, new, gap = (account(tenant, x) for x in ("steady", "fell", "new", "gap"))
    score(tenant, steady, day - timedelta(days=1), 80, "good")
    score(tenant, steady, day, 82, "good")
    score(tenant, fell, day - timedelta(days=1), 75, "good")
    score(tenant, fell, day, 40, "poor")
    score(tenant, new, day, 40, "poor")  # no earlier day: no change
    score(tenant, gap, day - timedelta(days=5), 40, "poor")  # its previous scored day
    score(tenant, gap, day, 60, "fair")
    # The endpoints, the changes, a savepoint, three inserts and their tenant checks.
    with django_assert_max_num_queries(9):
        assert health_bands_changed_emit(tenant=tenant, day=day) == 2
    changes = {
        m.payload["data"]["account_external_id"]: m.payload["data"]
        for m in _messages(tenant, "account.health_band_changed")
    }
    assert set(changes) == {"fell", "gap"}
    assert changes["fell"]["band"] == "poor" and changes["fell"]["previous_band"] == "good"
    assert changes["gap"]["score"] == 60 and changes["gap"]["day"] == "2026-06-30"


def test_band_changes_cost_one_query_without_endpoints(tenant, django_assert_num_queries):
    with django_assert_num_queries(1):
        health_bands_changed_emit(tenant=tenant, day=date(2026, 6, 30))
    assert not WebhookEndpoint.objects.unscoped().exists()


def test_the_nightly_run_emits_band_changes_and_the_tasks_it_opens(tenant, endpoint):
    from health.services.defaults import scorecards_ensure_defaults
    from health.services.nightly import health_after_metrics
    from health.services.playbook_defaults import playbooks_ensure_defaults
    from health.services.scorecards import scorecard_update
    from metrics.models import MetricsState
    from tests.health.helpers import active_days, term

    def through(day):
        with tenant_scope(tenant):
            MetricsState.objects.update_or_create(tenant=tenant, defaults={"computed_through": day})

    day = date(2026, 6, 30)
    recency = [{"source": "days_since_activity", "mapping": "linear", "low": 3, "high": 0,
                "weight": 1}]  # fmt: skip
    card = scorecards_ensure_defaults(tenant=tenant)
    scorecard_update(tenant=tenant, scorecard=card, measures=recency)
    playbooks_ensure_defaults(tenant=tenant)
    acct = account(tenant, "a1")
    term(tenant, acct, day - timedelta(days=400), None)
    active_days(tenant, acct, [day - timedelta(days=n) for n in range(1, 20)])  # not on `day`
    through(day)
    health_after_metrics(tenant=tenant)
    (drop,) = _messages(tenant, "account.health_band_changed")
    assert drop.payload["data"]["account_external_id"] == "a1"
    assert (drop.payload["data"]["previous_band"], drop.payload["data"]["band"]) == (
        "good",
        "average",
    )
    opened = _messages(tenant, "task.opened")
    assert "band_dropped" in {m.payload["data"]["kind"] for m in opened}
    # Run again: nothing new to score, nothing emitted twice.
    health_after_metrics(tenant=tenant)
    assert len(_messages(tenant, "account.health_band_changed")) == 1
    # Inactive the next day (poor), active again the day after (good): each day its change.
    active_days(tenant, acct, [day + timedelta(days=2)])
    through(day + timedelta(days=2))
    health_after_metrics(tenant=tenant)
    bands = [m.payload["data"]["band"] for m in _messages(tenant, "account.health_band_changed")]
    assert bands == ["average", "poor", "good"]
