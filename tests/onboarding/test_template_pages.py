"""The template pages: the list (every member reads, with steps and running plans counted,
in constant queries), the editor for owners and admins (a new template, an edit that running
plans follow, reordering and removing rows, errors naming the step, an added row without
JavaScript), deleting (refused for the default and for a template with running plans), and
outsiders and CSMs turned away."""

import pytest

from accounts.models import Account
from onboarding.models import OnboardingTemplate, PlanStep, StepStatus
from onboarding.services.plans import plan_start
from onboarding.services.templates import template_save
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db

LANGS = ("en", "zh_hans", "ru", "ro")


def _row(index: int, key="", title="", **values) -> dict:
    row = {
        "key": key,
        "title_en": title,
        "due_days": "7",
        "completed_by": "customer",
        "event_count": "1",
        "required": "on",
        "ORDER": str(index + 1),
    }
    for lang in LANGS:
        row.setdefault(f"title_{lang}", "")
        row.setdefault(f"help_{lang}", "")
    row |= values
    return {f"steps-{index}-{name}": value for name, value in row.items() if value is not None}


def _post(settings=None, rows=(), initial=0, **milestones) -> dict:
    data = {
        "name": "Enterprise",
        "plan": "Enterprise",
        "segment": "",
        "priority": "10",
        "steps-TOTAL_FORMS": str(len(rows)),
        "steps-INITIAL_FORMS": str(initial),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "50",
    }
    data |= settings or {}
    for index, row in enumerate(rows):
        data |= _row(index, **row)
    data |= {f"milestone_{name}": key for name, key in milestones.items()}
    return data


@pytest.fixture
def template(tenant):
    return template_save(
        tenant=tenant,
        name="Acme starter",
        is_default=True,
        steps=[
            {"key": "connect", "title": {"en": "Connect data"}},
            {
                "key": "invite",
                "title": {"en": "Invite the team"},
                "completed_by": "event",
                "event_name": "user_invited",
                "event_count": 3,
            },
        ],
        milestones={"first_value": "connect"},
    )


@pytest.fixture
def running(tenant, template):
    with tenant_scope(tenant):
        account = Account.objects.create(external_id="a1", name="Initech")
    return plan_start(tenant=tenant, account=account, template=template)[0]


@pytest.mark.outsider(
    "onboarding-templates",
    "onboarding-template-create",
    "onboarding-template-edit",
    "onboarding-template-delete",
)
def test_outsiders_see_and_change_nothing(tenant, template, outsider_client):
    before = template.version
    for url in (
        f"/onboarding/templates/{template.pk}/edit/",
        f"/onboarding/templates/{template.pk}/delete/",
    ):
        assert outsider_client.get(url).status_code == 404
        assert (
            outsider_client.post(url, _post(rows=[{"key": "x", "title": "X"}])).status_code == 404
        )
    listing = outsider_client.get("/onboarding/templates/").content.decode()
    assert "Acme starter" not in listing  # the outsider's own tenant's templates only
    outsider_client.post("/onboarding/templates/new/", _post(rows=[{"key": "x", "title": "X"}]))
    with tenant_scope(tenant):
        assert OnboardingTemplate.objects.get().version == before
        assert OnboardingTemplate.objects.count() == 1


def test_csms_read_the_list_but_cannot_edit(tenant, template, member_client):
    page = member_client.get("/onboarding/templates/").content.decode()
    assert "Acme starter" in page and "New template" not in page
    assert member_client.get(f"/onboarding/templates/{template.pk}/edit/").status_code == 403
    assert member_client.post("/onboarding/templates/new/", _post()).status_code == 403


def test_the_list_counts_steps_and_running_plans(
    tenant, template, running, owner_client, django_assert_max_num_queries
):
    template_save(
        tenant=tenant,
        name="Enterprise",
        plan="Enterprise",
        priority=10,
        steps=[{"key": "kickoff", "title": {"en": "Kickoff"}}],
    )
    with django_assert_max_num_queries(12):
        page = owner_client.get("/onboarding/templates/").content.decode()
    assert "plan Enterprise" in page and "every other account" in page
    rows = page.split("<tbody>")[1]
    assert rows.index("Enterprise") < rows.index("Acme starter")  # the default is tried last
    assert '<td class="num">2</td>\n        <td class="num">1</td>' in page  # steps, plans
    for _ in range(5):
        template_save(
            tenant=tenant, name="More", segment="SMB", steps=[{"key": "a", "title": {"en": "A"}}]
        )
    with django_assert_max_num_queries(12):  # not one more per template
        owner_client.get("/onboarding/templates/")


def test_create_a_template_in_four_languages(tenant, owner_client):
    rows = [
        {
            "key": "kickoff",
            "title": "Kickoff call",
            "title_ru": "Стартовый звонок",
            "help_en": "Agree the goals.",
            "completed_by": "csm",
            "due_days": "3",
        },
        {
            "key": "",
            "title": "Invite three teammates",
            "completed_by": "event",
            "event_name": "user_invited",
            "event_count": "3",
            "required": None,
        },
        {
            "key": "sso",
            "title": "Single sign-on",
            "completed_by": "trait",
            "trait_name": "sso",
            "trait_value": "on",
            "article_key": "sso-setup",
        },
    ]
    answer = owner_client.post(
        "/onboarding/templates/new/", _post(rows=rows, first_value="kickoff", activated="sso")
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    with tenant_scope(tenant):
        template = OnboardingTemplate.objects.get(name="Enterprise")
        steps = list(template.steps.all())
    assert [s.key for s in steps] == ["kickoff", "invite-three-teammates", "sso"]
    assert steps[0].title == {"en": "Kickoff call", "ru": "Стартовый звонок"}
    assert steps[0].help == {"en": "Agree the goals."} and steps[0].due_days == 3
    assert (steps[1].event_name, steps[1].event_count, steps[1].required) == (
        "user_invited",
        3,
        False,
    )
    assert (steps[2].trait_name, steps[2].trait_value, steps[2].article_key) == (
        "sso",
        "on",
        "sso-setup",
    )
    assert template.milestones == {"first_value": "kickoff", "activated": "sso"}
    assert template.plan == "Enterprise" and template.priority == 10


def test_an_edit_reorders_removes_and_running_plans_follow(tenant, template, running, owner_client):
    page = owner_client.get(f"/onboarding/templates/{template.pk}/edit/").content.decode()
    assert 'value="Connect data"' in page and 'value="user_invited"' in page
    rows = [
        {"key": "connect", "title": "Connect data", "ORDER": "2"},
        {"key": "invite", "title": "Invite the team", "DELETE": "on"},
        {"key": "kickoff", "title": "Kickoff call", "completed_by": "csm", "ORDER": "1"},
    ]
    answer = owner_client.post(
        f"/onboarding/templates/{template.pk}/edit/",
        _post(
            {"is_default": "on", "name": "Acme starter"},
            rows=rows,
            initial=2,
            first_value="connect",
        ),
    )
    assert answer.status_code == 302
    with tenant_scope(tenant):
        template.refresh_from_db()
        assert [s.key for s in template.steps.all()] == ["kickoff", "connect"]
        plan_steps = {s.key: s.status for s in PlanStep.objects.filter(plan=running)}
        saver = template.versions.get(version=2).saved_by
    assert template.version == 2
    assert saver is not None and saver.user.email == "owner@acme.test"  # who saved it
    assert plan_steps == {
        "connect": StepStatus.OPEN,
        "invite": StepStatus.REMOVED,
        "kickoff": StepStatus.OPEN,
    }


def test_errors_name_the_step_and_nothing_is_saved(tenant, template, owner_client):
    rows = [
        {"key": "connect", "title": "Connect data"},
        {"key": "connect", "title": "Again"},
        {"key": "auto", "title": "Automatic", "completed_by": "event"},
    ]
    answer = owner_client.post(
        f"/onboarding/templates/{template.pk}/edit/",
        _post({"is_default": "on"}, rows=rows, initial=2, adopted="missing"),
    )
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Step 2 (“connect”): the key is used by step 1 too." in page
    assert "Step 3 (“auto”): an automatic step on an event names the event." in page
    assert "The milestone “adopted” names no step of this template (“missing”)." in page
    with tenant_scope(tenant):
        template.refresh_from_db()
    assert template.version == 1 and template.name == "Acme starter"
    bad = owner_client.post(
        "/onboarding/templates/new/", _post(rows=[{"key": "a", "title": "A", "due_days": "400"}])
    )
    assert bad.status_code == 400 and "Row 1" in bad.content.decode()
    empty = owner_client.post("/onboarding/templates/new/", _post(rows=[]))
    assert "A template has at least one step." in empty.content.decode()


def test_add_a_step_row_without_javascript(tenant, owner_client):
    data = _post(rows=[{"key": "a", "title": "A"}]) | {"add_row": "1"}
    page = owner_client.post("/onboarding/templates/new/", data)
    assert page.status_code == 200 and 'name="steps-1-key"' in page.content.decode()
    tampered = owner_client.post("/onboarding/templates/new/", data | {"steps-TOTAL_FORMS": "²"})
    assert tampered.status_code == 400
    with tenant_scope(tenant):
        assert not OnboardingTemplate.objects.exists()


def test_delete_is_refused_for_the_default_and_running_templates(
    tenant, template, running, owner_client
):
    page = owner_client.get(f"/onboarding/templates/{template.pk}/delete/").content.decode()
    assert "make another template the default" in page.lower() and "Delete template" not in page
    refused = owner_client.post(f"/onboarding/templates/{template.pk}/delete/")
    assert refused.status_code == 400 and "default template" in refused.content.decode()
    other = template_save(
        tenant=tenant,
        name="Enterprise",
        plan="Enterprise",
        steps=[{"key": "a", "title": {"en": "A"}}],
    )
    with tenant_scope(tenant):
        account = Account.objects.create(external_id="a2", name="Hooli")
    plan_start(tenant=tenant, account=account, template=other)
    page = owner_client.get(f"/onboarding/templates/{other.pk}/delete/").content.decode()
    assert "1 running plan follows this template" in page
    assert owner_client.post(f"/onboarding/templates/{other.pk}/delete/").status_code == 400
    spare = template_save(
        tenant=tenant, name="Spare", segment="SMB", steps=[{"key": "a", "title": {"en": "A"}}]
    )
    assert owner_client.post(f"/onboarding/templates/{spare.pk}/delete/").status_code == 302
    with tenant_scope(tenant):
        assert set(OnboardingTemplate.objects.values_list("name", flat=True)) == {
            "Acme starter",
            "Enterprise",
        }
