"""Webhook events of onboarding: `onboarding.step_completed` once per step whoever ticks it
again, `onboarding.milestone_reached` once per milestone (a template edit that moves a
milestone onto a done step reaches it; moving it back and forth never repeats it), both in
the tick's transaction (rolled back: nothing) and offered on the webhooks page."""

from datetime import UTC, date, datetime

import pytest
from django.db import transaction

from accounts.models import Account
from onboarding.models import OnboardingTemplate, PlanStep
from onboarding.services.plans import plan_start, step_complete
from onboarding.services.templates import template_save
from tenants.models import Membership, OutboxTask, WebhookDelivery, WebhookMessage
from tenants.services.webhooks import webhook_endpoint_create
from tenants.tenancy.context import tenant_scope
from tenants.webhooks.slack import slack_body

pytestmark = pytest.mark.django_db

EVENTS = ["onboarding.step_completed", "onboarding.milestone_reached"]
STEPS = [
    {"key": "kickoff", "title": {"en": "Kickoff call", "ru": "Стартовый звонок"},
     "completed_by": "csm"},
    {"key": "connect", "title": {"en": "Connect data"}, "completed_by": "event",
     "event_name": "data_synced"},
    {"key": "invite", "title": {"en": "Invite the team"}, "completed_by": "event",
     "event_name": "user_invited", "event_count": 3},
]  # fmt: skip


@pytest.fixture
def plan(tenant, member):
    tenant.time_zone = "Europe/Bucharest"
    tenant.save(update_fields=["time_zone"])
    webhook_endpoint_create(tenant=tenant, url="https://8.8.8.8/hooks", event_types=EVENTS)
    template_save(tenant=tenant, name="T", is_default=True, steps=STEPS,
                  milestones={"first_value": "connect", "activated": "invite"})  # fmt: skip
    with tenant_scope(tenant):
        account = Account.objects.create(external_id="crm-7", name="Initech")
    plan, _ = plan_start(tenant=tenant, account=account, day=date(2026, 11, 20))
    return plan


def _step(tenant, key):
    with tenant_scope(tenant):
        return PlanStep.objects.get(key=key)


def _payloads(tenant, event_type):
    rows = WebhookMessage.objects.for_tenant(tenant).filter(event_type=event_type).order_by("pk")
    return [row.payload["data"] for row in rows]


def test_a_step_completed_twice_is_one_event_with_its_facts(tenant, plan, member):
    member = Membership.objects.for_tenant(tenant).get(user=member)
    at = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert step_complete(tenant=tenant, step=_step(tenant, "kickoff"), member=member, now=at)
    assert not step_complete(tenant=tenant, step=_step(tenant, "kickoff"), member=member)
    (data,) = _payloads(tenant, "onboarding.step_completed")
    assert data == {
        "account_id": plan.account_id, "account_external_id": "crm-7",
        "account_name": "Initech", "plan_id": plan.pk, "step_key": "kickoff",
        "title": "Kickoff call", "completed_by": "csm", "done_by_contact_external_id": None,
        "done_by_member_id": member.pk, "done_at": "2026-11-21T09:30:00Z",
    }  # fmt: skip
    assert WebhookDelivery.objects.for_tenant(tenant).count() == 1
    sends = OutboxTask.objects.for_tenant(tenant).filter(task_name__startswith="tenants.")
    assert sends.count() == 1  # sent after the commit
    assert _payloads(tenant, "onboarding.milestone_reached") == []  # kickoff reaches none


def test_a_milestone_is_announced_once_with_the_days_since_the_start(tenant, plan):
    # 23:30 UTC on the 24th is already the 25th in Bucharest: 5 days after the 20th.
    at = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    step_complete(tenant=tenant, step=_step(tenant, "connect"), now=at)
    step_complete(tenant=tenant, step=_step(tenant, "connect"))
    (data,) = _payloads(tenant, "onboarding.milestone_reached")
    assert data["milestone"] == "first_value" and data["step_key"] == "connect"
    assert data["reached_at"] == "2026-11-24T23:30:00Z" and data["days_since_start"] == 5
    assert data["account_external_id"] == "crm-7" and data["plan_id"] == plan.pk
    message = WebhookMessage.objects.for_tenant(tenant).get(
        event_type="onboarding.milestone_reached"
    )
    assert slack_body(message.payload) == {
        "text": "*An onboarding milestone was reached* "
        "(`onboarding.milestone_reached`) — account_name: Initech, account_external_id: crm-7, "
        "milestone: first_value"
    }


def test_a_template_edit_reaches_a_milestone_once_however_often_it_moves(tenant, plan):
    step_complete(tenant=tenant, step=_step(tenant, "kickoff"))
    with tenant_scope(tenant):
        template = OnboardingTemplate.objects.get()
    # "activated" moves onto the done kickoff: reached by the edit.
    template_save(tenant=tenant, template=template, name="T", is_default=True, steps=STEPS,
                  milestones={"first_value": "connect", "activated": "kickoff"})  # fmt: skip
    assert [d["milestone"] for d in _payloads(tenant, "onboarding.milestone_reached")] == [
        "activated"
    ]
    # Back onto the open step, then its step is done: not announced a second time.
    template_save(tenant=tenant, template=template, name="T", is_default=True, steps=STEPS,
                  milestones={"first_value": "connect", "activated": "invite"})  # fmt: skip
    step_complete(tenant=tenant, step=_step(tenant, "invite"))
    template_save(tenant=tenant, template=template, name="T", is_default=True, steps=STEPS,
                  milestones={"first_value": "connect", "activated": "kickoff"})  # fmt: skip
    assert len(_payloads(tenant, "onboarding.milestone_reached")) == 1
    assert len(_payloads(tenant, "onboarding.step_completed")) == 2


class Boom(Exception):
    pass


def test_a_tick_rolled_back_emits_nothing(tenant, plan):
    with pytest.raises(Boom), transaction.atomic():
        step_complete(tenant=tenant, step=_step(tenant, "connect"))
        assert len(_payloads(tenant, "onboarding.step_completed")) == 1
        raise Boom
    assert _payloads(tenant, "onboarding.step_completed") == []
    assert (
        not OutboxTask.objects.for_tenant(tenant).filter(task_name__startswith="tenants.").exists()
    )
    # The tick that commits later announces the milestone after all.
    step_complete(tenant=tenant, step=_step(tenant, "connect"))
    assert len(_payloads(tenant, "onboarding.milestone_reached")) == 1


def test_the_webhooks_page_offers_the_onboarding_events(owner_client):
    page = owner_client.get("/settings/webhooks/").content.decode()
    assert "onboarding.step_completed" in page and "onboarding.milestone_reached" in page
    assert "An onboarding milestone was reached" in page
