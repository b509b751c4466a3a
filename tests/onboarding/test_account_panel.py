"""The account page's onboarding panel: progress and steps, start a plan, mark a step done
(not an automatic one); outsiders see and change nothing, viewers only read."""

import pytest

from accounts.models import Account
from onboarding.models import Plan, PlanStep, StepStatus
from onboarding.services.plans import plan_start
from onboarding.services.templates import template_save
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(tenant):
    template_save(tenant=tenant, name="T", is_default=True, steps=[
        {"key": "call", "title": {"en": "Kickoff call", "ru": "Стартовый звонок"},
         "completed_by": "csm"},
        {"key": "sync", "title": {"en": "Connect data"}, "completed_by": "event",
         "event_name": "data_synced"},
    ], milestones={"first_value": "call"})  # fmt: skip
    with tenant_scope(tenant):
        return Account.objects.create(external_id="a1", name="Initech")


def _steps(tenant):
    with tenant_scope(tenant):
        return {s.key: s for s in PlanStep.objects.all()}


@pytest.mark.outsider("account-onboarding", "plan-step-done")
def test_outsiders_see_and_change_nothing(tenant, account, outsider_client):
    plan_start(tenant=tenant, account=account)
    step = _steps(tenant)["call"]
    assert outsider_client.get(f"/accounts/{account.pk}/onboarding/").status_code == 404
    assert outsider_client.post(f"/accounts/{account.pk}/onboarding/").status_code == 404
    done = outsider_client.post(f"/accounts/{account.pk}/onboarding/steps/{step.pk}/done/")
    assert done.status_code == 404
    assert _steps(tenant)["call"].status == StepStatus.OPEN


def test_start_then_mark_done_in_place(tenant, account, member_client):
    empty = member_client.get(f"/accounts/{account.pk}/onboarding/", HTTP_HX_REQUEST="true")
    assert "Start onboarding" in empty.content.decode()
    assert "HX-Request" in empty["Vary"]  # the panel or the page at the same address
    started = member_client.post(f"/accounts/{account.pk}/onboarding/", HTTP_HX_REQUEST="true")
    assert started.status_code == 200 and "0 of 2 required steps" in started.content.decode()
    steps = _steps(tenant)
    page = member_client.post(f"/accounts/{account.pk}/onboarding/steps/{steps['call'].pk}/done/",
                              HTTP_HX_REQUEST="true").content.decode()  # fmt: skip
    assert "1 of 2 required steps" in page and "50%" in page and "★ First value" in page
    # A CSM may tick an automatic step too (the customer did it elsewhere); the plan completes.
    done = member_client.post(f"/accounts/{account.pk}/onboarding/steps/{steps['sync'].pk}/done/")
    assert done.status_code == 302 and _steps(tenant)["sync"].status == StepStatus.DONE
    assert member_client.get(f"/accounts/{account.pk}/onboarding/steps/{steps['sync'].pk}/done/"
                             ).status_code == 405  # fmt: skip
    with tenant_scope(tenant):
        assert Plan.objects.get().status == "completed"
    russian = member_client.get(f"/accounts/{account.pk}/onboarding/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Стартовый звонок" in russian.content.decode()


def test_a_step_removed_meanwhile_answers_with_the_reason(tenant, account, member_client):
    plan_start(tenant=tenant, account=account)
    stale = _steps(tenant)["call"]
    template_save(tenant=tenant, template=plan_template(tenant), name="T", is_default=True,
                  steps=[{"key": "sync", "title": {"en": "Connect data"}}])  # fmt: skip
    url = f"/accounts/{account.pk}/onboarding/steps/{stale.pk}/done/"
    page = member_client.post(url, HTTP_HX_REQUEST="true")
    assert page.status_code == 400 and "removed from the checklist" in page.content.decode()
    assert member_client.post(url).status_code == 400


def plan_template(tenant):
    from onboarding.models import OnboardingTemplate

    with tenant_scope(tenant):
        return OnboardingTemplate.objects.get()


def test_viewers_read_only(tenant, account, viewer_client):
    assert viewer_client.get(f"/accounts/{account.pk}/onboarding/").status_code == 200
    assert viewer_client.post(f"/accounts/{account.pk}/onboarding/").status_code == 403
    with tenant_scope(tenant):
        assert not Plan.objects.exists()


def test_the_panel_costs_constant_queries(tenant, account, member_client,
                                          django_assert_max_num_queries):  # fmt: skip
    plan_start(tenant=tenant, account=account)
    with django_assert_max_num_queries(10):
        assert member_client.get(f"/accounts/{account.pk}/onboarding/",
                                 HTTP_HX_REQUEST="true").status_code == 200  # fmt: skip
