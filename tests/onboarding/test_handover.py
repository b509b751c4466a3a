"""The sales-to-CS handover: the form (CSMs and up write, viewers read, outsiders get 404),
stakeholders one a line, bad input answered next to the field with nothing saved, and the
account's onboarding panel showing the handover and its gaps (missing fields, a go-live date
passed with the plan unfinished)."""

from datetime import date, timedelta

import pytest

from accounts.models import Account
from onboarding.models import Handover
from onboarding.services.handovers import handover_gaps, handover_save
from onboarding.services.plans import plan_start
from onboarding.services.templates import template_save
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db

FORM = {
    "goals": "One view of account health; cut churn by a third.",
    "stakeholders": "Dana Ionescu; VP Customer Success; dana@example.com\n\nLev Orlov; IT admin",
    "promised_features": "Salesforce sync by go-live.",
    "go_live_on": "2027-01-15",
    "risks": "IT is busy until mid-December.",
}


@pytest.fixture
def account(tenant):
    template_save(
        tenant=tenant,
        name="T",
        is_default=True,
        steps=[{"key": "call", "title": {"en": "Kickoff call"}}],
    )
    with tenant_scope(tenant):
        return Account.objects.create(external_id="a1", name="Initech")


def _handover(tenant):
    with tenant_scope(tenant):
        return Handover.objects.filter().first()


@pytest.mark.outsider("account-handover")
def test_outsiders_see_and_change_nothing(tenant, account, outsider_client):
    handover_save(tenant=tenant, account=account, goals="Secret goals")
    url = f"/accounts/{account.pk}/handover/"
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, FORM).status_code == 404
    assert _handover(tenant).goals == "Secret goals"


def test_a_csm_fills_in_the_handover(tenant, account, member, member_client):
    url = f"/accounts/{account.pk}/handover/"
    assert member_client.get(url).status_code == 200
    answer = member_client.post(url, FORM)
    assert answer.status_code == 302 and answer["Location"] == f"/accounts/{account.pk}/onboarding/"
    handover = _handover(tenant)
    assert handover.stakeholders == [
        {"name": "Dana Ionescu", "role": "VP Customer Success", "email": "dana@example.com"},
        {"name": "Lev Orlov", "role": "IT admin", "email": ""},
    ]
    assert handover.go_live_on == date(2027, 1, 15) and handover.completed_by.user == member
    first_at = handover.completed_at
    # A second save changes it and keeps who handed the account over, and when.
    member_client.post(url, FORM | {"risks": ""})
    again = _handover(tenant)
    assert again.pk == handover.pk and again.risks == "" and again.completed_at == first_at
    form = member_client.get(url).content.decode()
    assert "Lev Orlov; IT admin" in form and 'value="2027-01-15"' in form


def test_bad_input_is_answered_at_the_field_and_nothing_is_saved(tenant, account, member_client):
    url = f"/accounts/{account.pk}/handover/"
    bad_email = member_client.post(url, FORM | {"stakeholders": "Dana; VP; not-an-address"})
    assert bad_email.status_code == 400
    assert "Person 1: “not-an-address” is no email address." in bad_email.content.decode()
    too_many = member_client.post(url, FORM | {"stakeholders": "a; b; c@d.example; e"})
    assert too_many.status_code == 400 and "name; role; email" in too_many.content.decode()
    bad_date = member_client.post(url, FORM | {"go_live_on": "2027-02-31"})
    assert bad_date.status_code == 400
    assert _handover(tenant) is None


def test_viewers_read_but_do_not_write(tenant, account, viewer_client):
    url = f"/accounts/{account.pk}/handover/"
    page = viewer_client.get(url)
    assert page.status_code == 200 and "Save handover" not in page.content.decode()
    assert viewer_client.post(url, FORM).status_code == 403
    assert _handover(tenant) is None


def test_the_panel_lists_the_gaps_with_links_to_the_form(tenant, account, member_client):
    panel = f"/accounts/{account.pk}/onboarding/"
    page = member_client.get(panel, HTTP_HX_REQUEST="true").content.decode()
    assert "No handover from sales yet." in page and "Fill in the handover" in page
    handover_save(tenant=tenant, account=account, goals="Go live", stakeholders=[{"name": "Dana"}])
    page = member_client.get(panel, HTTP_HX_REQUEST="true").content.decode()
    assert "No stakeholder has an email address." in page and "No go-live date." in page
    assert f'href="/accounts/{account.pk}/handover/#handover-risks"' in page
    assert "Go live" in page and "Edit the handover" in page
    assert "No goals" not in page


def test_a_go_live_date_passed_with_the_plan_unfinished_is_a_gap(tenant, account):
    today = tenant.today()
    handover, _ = handover_save(
        tenant=tenant,
        account=account,
        goals="g",
        risks="r",
        promised_features="none",
        go_live_on=today - timedelta(days=2),
        stakeholders=[{"name": "Dana", "email": "d@example.com"}],
    )
    assert [g.message for g in handover_gaps(handover, None, None, today)] == [
        "The go-live date has passed and no plan was started."
    ]
    plan, _ = plan_start(tenant=tenant, account=account)
    (gap,) = handover_gaps(handover, plan, 0, today)
    assert gap.field == "go_live_on" and "has passed with the plan at 0%" in gap.message
    handover.go_live_on = today + timedelta(days=10)
    assert handover_gaps(handover, plan, 0, today) == []


def test_the_panel_costs_constant_queries(
    tenant, account, member_client, django_assert_max_num_queries
):
    handover_save(
        tenant=tenant,
        account=account,
        goals="g",
        stakeholders=[{"name": f"P{n}", "email": f"p{n}@example.com"} for n in range(20)],
    )
    plan_start(tenant=tenant, account=account)
    with django_assert_max_num_queries(11):
        member_client.get(f"/accounts/{account.pk}/onboarding/", HTTP_HX_REQUEST="true")
