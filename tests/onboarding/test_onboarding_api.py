"""The onboarding API: templates (owners and admins write, through `template_save`, errors
naming the step), plans (progress, milestones with dates, steps; filtered by account; started
for an account), completing a step (idempotent, 200 both times with a flag), handovers (one
per account, with gaps), list query counts that do not grow with rows, and outsiders turned
away everywhere."""

from datetime import UTC, datetime

import pytest

from accounts.models import Account
from onboarding.models import Handover, OnboardingTemplate, PlanStep
from onboarding.services.handovers import handover_save
from onboarding.services.plans import plan_start, step_complete
from onboarding.services.templates import template_save
from tenants.tenancy.context import tenant_scope
from tests.conftest import session_api

pytestmark = pytest.mark.django_db

STEPS = [
    {
        "key": "kickoff",
        "title": {"en": "Kickoff call", "ro": "Apel de start"},
        "completed_by": "csm",
        "due_days": 3,
    },
    {
        "key": "invite",
        "title": {"en": "Invite three teammates"},
        "completed_by": "event",
        "event_name": "user_invited",
        "event_count": 3,
    },
    {"key": "sso", "title": {"en": "Single sign-on"}, "required": False},
]
TEMPLATES = "/api/v1/onboarding/templates/"
PLANS = "/api/v1/onboarding/plans/"
HANDOVERS = "/api/v1/onboarding/handovers/"


@pytest.fixture
def owner_api(owner):
    return session_api(owner)


@pytest.fixture
def template(tenant):
    return template_save(
        tenant=tenant,
        name="Acme starter",
        is_default=True,
        steps=STEPS,
        milestones={"first_value": "kickoff", "activated": "invite"},
    )


def _account(tenant, external_id="crm-1", **fields):
    with tenant_scope(tenant):
        return Account.objects.create(external_id=external_id, name=external_id, **fields)


@pytest.mark.outsider("onboarding-template-api-list", "onboarding-template-api-detail")
def test_template_crud_for_owners(tenant, template, owner_api, outsider_api, api, outsider):
    body = {
        "name": "Enterprise",
        "plan": "Enterprise",
        "priority": 5,
        "steps": STEPS[:2],
        "milestones": {"first_value": "kickoff"},
    }
    created = owner_api.post(TEMPLATES, body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["version"] == 1 and data["steps_count"] == 2 and data["running_plans"] == 0
    assert data["steps"][0]["title"] == {"en": "Kickoff call", "ro": "Apel de start"}
    url = f"{TEMPLATES}{data['id']}/"
    patched = owner_api.patch(url, {"priority": 7}, format="json").json()
    assert patched["priority"] == 7 and patched["version"] == 2 and len(patched["steps"]) == 2
    # Outsiders see none of it; an API key reads but does not manage templates.
    assert outsider_api.get(url).status_code == 404
    # An API key never manages templates (403 before any lookup); another tenant's owner
    # finds nothing (404).
    assert outsider_api.patch(url, {"priority": 1}, format="json").status_code == 403
    outsider_owner = session_api(outsider)
    assert outsider_owner.patch(url, {"priority": 1}, format="json").status_code == 404
    assert outsider_owner.delete(url).status_code == 404
    assert "Acme starter" not in str(outsider_api.get(TEMPLATES).json())
    assert api.get(url).status_code == 200
    assert api.patch(url, {"priority": 1}, format="json").status_code == 403
    default = owner_api.delete(f"{TEMPLATES}{template.pk}/")
    assert default.status_code == 400 and "default template" in str(
        default.json()["error"]["fields"]
    )
    assert owner_api.delete(url).status_code == 204
    with tenant_scope(tenant):
        assert list(OnboardingTemplate.objects.values_list("name", flat=True)) == ["Acme starter"]


def test_template_errors_name_the_step(tenant, template, owner_api):
    steps = [*STEPS, {"key": "kickoff", "title": {"en": "Again"}, "due_days": 400}]
    answer = owner_api.put(
        f"{TEMPLATES}{template.pk}/",
        {"name": "X", "steps": steps, "milestones": {"adopted": "nope"}},
        format="json",
    )
    assert answer.status_code == 400
    fields = answer.json()["error"]["fields"]
    assert "Step 4 (“kickoff”): the due offset is 0 to 365 days after the start." in fields["steps"]
    assert "Step 4 (“kickoff”): the key is used by step 1 too." in fields["steps"]
    assert fields["milestones"] == [
        "The milestone “adopted” names no step of this template (“nope”)."
    ]
    unknown = owner_api.post(
        TEMPLATES,
        {"name": "Y", "steps": [{"key": "a", "title": {"en": "A"}, "colour": "red"}]},
        format="json",
    )
    assert unknown.status_code == 400 and "steps.0.colour" in unknown.json()["error"]["fields"]
    with tenant_scope(tenant):
        assert OnboardingTemplate.objects.get().version == 1


@pytest.mark.outsider(
    "onboarding-plan-api-list", "onboarding-plan-api-detail", "onboarding-plan-api-complete"
)
def test_plans_start_read_and_complete_steps(tenant, template, api, outsider_api):
    _account(tenant, "crm-1")
    started = api.post(PLANS, {"account": "crm-1"}, format="json")
    assert started.status_code == 201, started.json()
    plan = started.json()
    assert plan["template"] == template.pk and plan["percent"] == 0
    assert (plan["done"], plan["required"]) == (0, 2)
    assert [s["key"] for s in plan["steps"]] == ["kickoff", "invite", "sso"]
    again = api.post(PLANS, {"account": "crm-1"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == plan["id"]
    url = f"{PLANS}{plan['id']}/steps/kickoff/complete/"
    assert outsider_api.post(url).status_code == 404
    assert outsider_api.get(f"{PLANS}{plan['id']}/").status_code == 404
    assert outsider_api.get(PLANS).json()["results"] == []
    first = api.post(url)
    assert first.status_code == 200 and first.json()["completed_now"] is True
    second = api.post(url)
    assert second.status_code == 200 and second.json()["completed_now"] is False
    body = second.json()["plan"]
    assert body["percent"] == 50 and body["done"] == 1
    (first_value, activated) = body["milestones"]
    assert first_value["milestone"] == "first_value" and first_value["reached_at"] is not None
    assert activated == {"milestone": "activated", "step_key": "invite", "reached_at": None}
    assert api.post(f"{PLANS}{plan['id']}/steps/nope/complete/").status_code == 404
    listed = api.get(PLANS, {"account": "crm-1"}).json()["results"]
    assert [p["id"] for p in listed] == [plan["id"]]
    assert api.get(PLANS, {"account": "crm-2"}).json()["results"] == []
    assert api.get(PLANS, {"status": "nonsense"}).status_code == 400


def test_a_plan_from_a_named_template_and_bad_input(tenant, template, api, viewer):
    other = template_save(
        tenant=tenant,
        name="Enterprise",
        plan="Enterprise",
        steps=[{"key": "a", "title": {"en": "A"}}],
    )
    _account(tenant, "crm-1")
    plan = api.post(PLANS, {"account": "crm-1", "template": other.pk}, format="json").json()
    assert plan["template"] == other.pk and [s["key"] for s in plan["steps"]] == ["a"]
    missing = api.post(PLANS, {"account": "nobody"}, format="json")
    assert missing.status_code == 400 and "account" in missing.json()["error"]["fields"]
    assert (
        api.post(PLANS, {"account": "crm-1", "template": 99999}, format="json").status_code == 400
    )
    assert session_api(viewer).post(PLANS, {"account": "crm-1"}, format="json").status_code == 403


def test_a_removed_step_cannot_be_completed(tenant, template, api):
    plan, _ = plan_start(tenant=tenant, account=_account(tenant))
    template_save(
        tenant=tenant, template=template, name="Acme starter", is_default=True, steps=STEPS[1:]
    )
    answer = api.post(f"{PLANS}{plan.pk}/steps/kickoff/complete/")
    assert answer.status_code == 400 and "removed" in str(answer.json()["error"]["fields"])


def test_plan_list_costs_constant_queries(tenant, template, api, django_assert_max_num_queries):
    for n in range(3):
        plan_start(tenant=tenant, account=_account(tenant, f"crm-{n}"))
    with django_assert_max_num_queries(8):
        assert len(api.get(PLANS).json()["results"]) == 3
    for n in range(3, 12):
        plan, _ = plan_start(tenant=tenant, account=_account(tenant, f"crm-{n}"))
        with tenant_scope(tenant):
            step = PlanStep.objects.get(plan=plan, key="kickoff")
        step_complete(tenant=tenant, step=step, now=datetime(2026, 11, 2, tzinfo=UTC))
    with django_assert_max_num_queries(8):  # not one more per plan
        assert len(api.get(PLANS).json()["results"]) == 12
    with django_assert_max_num_queries(10):
        assert len(api.get(TEMPLATES).json()["results"]) >= 1


@pytest.mark.outsider("onboarding-handover-api-list", "onboarding-handover-api-detail")
def test_handovers_one_per_account_with_gaps(tenant, template, api, outsider_api):
    _account(tenant, "crm-1")
    body = {
        "account": "crm-1",
        "goals": "Cut churn",
        "go_live_on": "2027-01-15",
        "stakeholders": [{"name": "Dana", "role": "VP", "email": "dana@example.com"}],
    }
    created = api.post(HANDOVERS, body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert [g["field"] for g in data["gaps"]] == ["promised_features", "risks"]
    again = api.post(HANDOVERS, {"account": "crm-1", "risks": "IT busy"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert again.json()["goals"] == "Cut churn" and again.json()["risks"] == "IT busy"
    url = f"{HANDOVERS}{data['id']}/"
    assert outsider_api.get(url).status_code == 404
    assert outsider_api.patch(url, {"goals": "x"}, format="json").status_code == 404
    assert outsider_api.post(HANDOVERS, body, format="json").status_code == 400  # no such account
    assert outsider_api.get(HANDOVERS).json()["results"] == []
    patched = api.patch(url, {"promised_features": "none"}, format="json").json()
    assert patched["gaps"] == []
    bad = api.patch(url, {"stakeholders": [{"name": "Lev", "email": "nope"}]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["stakeholders"] == [
        "Person 1: “nope” is no email address."
    ]
    _account(tenant, "crm-2")
    moved = api.patch(url, {"account": "crm-2"}, format="json")
    assert moved.status_code == 400
    with tenant_scope(tenant):
        assert Handover.objects.get().stakeholders[0]["name"] == "Dana"


def test_handover_list_costs_constant_queries(tenant, template, api, django_assert_max_num_queries):
    for n in range(12):
        account = _account(tenant, f"crm-{n}")
        plan_start(tenant=tenant, account=account)
        handover_save(tenant=tenant, account=account, goals=f"goal {n}")
    with django_assert_max_num_queries(8):
        rows = api.get(HANDOVERS).json()["results"]
    assert len(rows) == 12 and all(row["gaps"] for row in rows)
    assert api.get(HANDOVERS, {"account": "crm-3"}).json()["results"][0]["goals"] == "goal 3"


CRAFTED = [
    {"name": "X", "steps": "not a list"},
    {"name": "X", "steps": [None]},
    {"name": "X", "steps": [{"key": "a\x00", "title": {"en": "A"}}]},
    {"name": "X", "steps": [{"key": "a", "title": {"en": "A\x00"}}]},
    {"name": "X", "steps": [{"key": "a", "title": {"xx": "A"}}]},
    {"name": "X", "steps": [{"key": "a", "title": "A"}]},
    {"name": "X", "steps": [{"key": "a", "title": {"en": "A"}, "due_days": 10**30}]},
    {"name": "X", "steps": [{"key": "a", "title": {"en": "A"}, "event_count": -1}]},
    {"name": "X", "steps": [{"key": "a", "title": {"en": "A"}, "completed_by": "magic"}]},
    {"name": "X", "priority": 10**9, "steps": [{"key": "a", "title": {"en": "A"}}]},
    {"name": "", "steps": [{"key": "a", "title": {"en": "A"}}]},
    {"name": "X", "milestones": {"\x00": "a"}, "steps": [{"key": "a", "title": {"en": "A"}}]},
    {"name": "X", "milestones": [], "steps": [{"key": "a", "title": {"en": "A"}}]},
    {"name": "X", "tenant": 1, "steps": [{"key": "a", "title": {"en": "A"}}]},
]


@pytest.mark.parametrize("body", CRAFTED)
def test_crafted_templates_are_refused_with_400(tenant, template, owner_api, body):
    answer = owner_api.post(TEMPLATES, body, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]["code"] == "invalid"
    with tenant_scope(tenant):
        assert OnboardingTemplate.objects.count() == 1
