"""The customer portal in a real browser under the Content-Security-Policy: a contact opens
the personal link, ticks a step (htmx swaps the checklist: the progress bar moves and the
milestone is celebrated), asks the CSM a question, and the question is in the CSM's task
inbox; the CSM's answer then shows in the portal. The in-app checklist folds away and
opens again without script."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Account, Contact
from onboarding.services.embed import embed_settings_for, embed_token_make
from onboarding.services.plans import plan_start
from onboarding.services.portal_links import portal_link_create
from onboarding.services.templates import template_save
from tenants.models import Role
from tenants.tenancy.context import tenant_scope
from tests.browser.test_pages_under_csp import Watch, _sign_in
from tests.factories import MembershipFactory, TenantFactory, UserFactory

QUESTION = "Can we import from a spreadsheet? <b>now</b>"


@pytest.fixture
def customer(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    membership = MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    template_save(tenant=tenant, name="Default", is_default=True, steps=[
        {"key": "invite", "title": {"en": "Invite your team"}, "completed_by": "customer"},
        {"key": "import", "title": {"en": "Import your data"}, "completed_by": "customer"},
        {"key": "call", "title": {"en": "Kickoff call"}, "completed_by": "csm"},
        {"key": "sync", "title": {"en": "Connect data"}, "completed_by": "event",
         "event_name": "data_synced"},
    ], milestones={"first_value": "invite"})  # fmt: skip
    with tenant_scope(tenant):
        account = Account.objects.create(external_id="a1", name="Initech", owner=membership)
        contact = Contact.objects.create(external_id="c1", account=account, name="Olga",
                                         email="olga@initech.test", language="en")  # fmt: skip
    plan_start(tenant=tenant, account=account)
    _link, url = portal_link_create(tenant=tenant, contact=contact)
    embed = embed_settings_for(tenant)
    token = embed_token_make(key=embed.key, secret=embed.secret, account="a1", contact="c1",
                             expires_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    return url.removeprefix(settings.SITE_URL), token


# The database fixtures come before `page`: Playwright starts after them (conftest.py).
def test_tick_a_step_and_ask_the_csm(live_server, customer, page: Page):
    path, token = customer
    base = live_server.url
    watch = Watch(page)
    page.goto(f"{base}{path}")
    progress = page.locator("#checklist progress")
    expect(progress).to_have_attribute("value", "0")
    expect(page.locator(".portal-percent")).to_contain_text("0%")
    step = page.locator(".portal-step", has_text="Invite your team")
    step.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".celebrate")).to_contain_text("Milestone reached: First value")
    expect(progress).to_have_attribute("value", "1")
    expect(page.locator(".portal-percent")).to_contain_text("25%")
    expect(step.get_by_role("button", name="Mark as done")).to_have_count(0)
    expect(page).to_have_url(f"{base}{path}")  # swapped in place, not reloaded
    # CSM and automatic steps have no button.
    expect(page.locator(".portal-step", has_text="Kickoff call").locator("button")).to_have_count(0)

    page.fill("#id_question", QUESTION)
    page.get_by_role("button", name="Send to your CSM").click()
    expect(page.locator("#questions .notice")).to_be_visible()
    expect(page.locator(".portal-qa")).to_contain_text(QUESTION)  # as text, not markup
    watch.assert_clean("portal")

    _sign_in(page, base)
    page.goto(f"{base}/tasks/")
    task = page.locator(".task", has_text="Question from Olga")
    expect(task).to_contain_text("Can we import from a spreadsheet?")
    task.get_by_role("link", name="Answer").click()
    expect(page.locator("#customer-question")).to_have_text(QUESTION)
    page.fill("#id_answer", "Yes: Data, then Import, then choose the file.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".messages")).to_contain_text("Answer sent.")
    page.goto(f"{base}/tasks/")
    expect(page.locator(".task", has_text="Question from Olga")).to_have_count(0)

    page.goto(f"{base}{path}")
    expect(page.locator(".qa-answer")).to_contain_text("Data, then Import")
    watch.assert_clean("inbox and answer")


def test_the_in_app_checklist_folds_away_and_opens_again(live_server, customer, page: Page):
    _path, token = customer
    watch = Watch(page)
    page.goto(f"{live_server.url}/embed/checklist/?token={token}")
    checklist = page.locator("details.embed-checklist")
    expect(checklist).to_have_attribute("open", "")
    expect(page.locator(".portal-step").first).to_be_visible()
    page.locator("details.embed-checklist > summary").click()
    expect(page.locator(".portal-step").first).to_be_hidden()
    page.locator("details.embed-checklist > summary").click()
    page.locator(".portal-step", has_text="Import your data").get_by_role(
        "button", name="Mark as done"
    ).click()
    expect(page.locator("#checklist progress")).to_have_attribute("value", "1")
    watch.assert_clean("in-app checklist")
