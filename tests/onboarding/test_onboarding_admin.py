"""The admin site's onboarding pages: a template changed with its steps through
`template_save` (a duplicate key is a form error naming the step, nothing saved), the default
template kept, a handover changed through `handover_save`, plans read-only."""

import json

import pytest

from accounts.models import Account
from onboarding.models import OnboardingTemplate
from onboarding.services.handovers import handover_save
from onboarding.services.templates import template_save
from tenants.tenancy.context import tenant_scope
from tests.conftest import MODEL_BACKEND

pytestmark = pytest.mark.django_db


def _form(template, steps, **changes):
    data = {
        "name": template.name,
        "plan": template.plan,
        "segment": template.segment,
        "priority": template.priority,
        "is_default": "on" if template.is_default else "",
        "milestones": json.dumps(template.milestones),
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": len(steps),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
        **changes,
    }
    for index, step in enumerate(steps):
        prefix = f"steps-{index}-"
        data |= {
            f"{prefix}id": step.pk,
            f"{prefix}template": template.pk,
            f"{prefix}position": step.position,
            f"{prefix}key": step.key,
            f"{prefix}title": json.dumps(step.title),
            f"{prefix}help": json.dumps(step.help),
            f"{prefix}article_key": "",
            f"{prefix}required": "on",
            f"{prefix}due_days": 7,
            f"{prefix}completed_by": step.completed_by,
            f"{prefix}event_name": "",
            f"{prefix}event_count": 1,
            f"{prefix}trait_name": "",
            f"{prefix}trait_value": "",
        }
    return data


@pytest.fixture
def template(tenant):
    return template_save(
        tenant=tenant,
        name="Starter",
        is_default=True,
        steps=[
            {"key": "connect", "title": {"en": "Connect data"}},
            {"key": "invite", "title": {"en": "Invite the team"}},
        ],
        milestones={"first_value": "connect"},
    )


def test_admin_changes_a_template_through_the_service(tenant, template, owner, client):
    with tenant_scope(tenant):
        steps = list(template.steps.order_by("position"))
    client.force_login(owner, backend=MODEL_BACKEND)
    url = f"/admin/onboarding/onboardingtemplate/{template.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.get("/admin/onboarding/onboardingtemplate/add/").status_code == 200
    steps[1].key = "connect"
    bad = client.post(url, _form(template, steps))
    assert bad.status_code == 200
    assert "Step 2 (“connect”): the key is used by step 1 too." in bad.content.decode()
    steps[1].key = "invite-team"
    done = client.post(url, _form(template, steps, priority=5))
    assert done.status_code == 302, done.content.decode()[:3000]
    with tenant_scope(tenant):
        template.refresh_from_db()
        keys = list(template.steps.values_list("key", flat=True))
    assert template.version == 2 and template.priority == 5 and keys == ["connect", "invite-team"]
    assert client.post(url.replace("change", "delete"), {"post": "yes"}).status_code == 403
    with tenant_scope(tenant):
        assert OnboardingTemplate.objects.filter(pk=template.pk).exists()


def test_admin_changes_a_handover_and_reads_plans(tenant, owner, client):
    with tenant_scope(tenant):
        account = Account.objects.create(external_id="a1", name="Initech")
    handover, _ = handover_save(tenant=tenant, account=account, goals="Old goals")
    client.force_login(owner, backend=MODEL_BACKEND)
    url = f"/admin/onboarding/handover/{handover.pk}/change/"
    form = {
        "goals": "New goals",
        "stakeholders": json.dumps([{"name": "Dana", "email": "x"}]),
        "promised_features": "",
        "go_live_on": "",
        "risks": "",
    }
    bad = client.post(url, form)
    assert bad.status_code == 200 and "is no email address" in bad.content.decode()
    form["stakeholders"] = json.dumps([{"name": "Dana", "email": "dana@example.com"}])
    assert client.post(url, form).status_code == 302
    with tenant_scope(tenant):
        handover.refresh_from_db()
    assert handover.goals == "New goals" and handover.stakeholders[0]["name"] == "Dana"
    assert client.get("/admin/onboarding/plan/").status_code == 200
    assert client.get("/admin/onboarding/handover/add/").status_code == 403


def test_admin_adds_a_template_with_steps(tenant, template, owner, client):
    client.force_login(owner, backend=MODEL_BACKEND)
    data = {
        "name": "Pilot",
        "plan": "",
        "segment": "Pilot",
        "priority": 5,
        "is_default": "",
        "milestones": json.dumps({"first_value": "call"}),
        "steps-TOTAL_FORMS": 1,
        "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
        "steps-0-position": 0,
        "steps-0-key": "call",
        "steps-0-title": '{"en": "Call"}',
        "steps-0-help": "{}",
        "steps-0-article_key": "",
        "steps-0-required": "on",
        "steps-0-due_days": 3,
        "steps-0-completed_by": "csm",
        "steps-0-event_name": "",
        "steps-0-event_count": 1,
        "steps-0-trait_name": "",
        "steps-0-trait_value": "",
    }
    answer = client.post("/admin/onboarding/onboardingtemplate/add/", data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    with tenant_scope(tenant):
        added = OnboardingTemplate.objects.get(name="Pilot")
        assert list(added.steps.values_list("key", "due_days")) == [("call", 3)]
    assert added.milestones == {"first_value": "call"} and added.version == 1
