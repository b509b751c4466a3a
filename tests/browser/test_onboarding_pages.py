"""The onboarding template editor, the handover form and the account's onboarding panel in
a real browser under the Content-Security-Policy: no violation or script error, a step's event
fields show only for an automatic step on an event, a template and a handover saved through
the forms. SCREENSHOT_DIR=... keeps a picture of each page at a laptop's and a phone's width."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.services.accounts import account_upsert
from onboarding.models import OnboardingTemplate
from onboarding.services.defaults import templates_ensure_defaults
from onboarding.services.handovers import handover_save
from onboarding.services.plans import plan_start
from tenants.models import Role
from tenants.tenancy.context import tenant_scope
from tests.browser.test_pages_under_csp import PASSWORD, Watch
from tests.factories import MembershipFactory, TenantFactory, UserFactory

WIDTHS = {"laptop": 1366, "phone": 390}


@pytest.fixture
def world(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    templates_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    plan_start(tenant=tenant, account=account)
    handover_save(
        tenant=tenant,
        account=account,
        goals="One view of account health.",
        stakeholders=[{"name": "Dana Ionescu", "role": "VP Customer Success"}],
    )
    with tenant_scope(tenant):
        enterprise = OnboardingTemplate.objects.exclude(is_default=True).first()
    return {"tenant": tenant, "account": account, "enterprise": enterprise}


def _shoot(page: Page, name: str):
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_editor_and_the_handover_work_under_the_policy(live_server, world, page: Page):
    base = live_server.url
    watch = Watch(page)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "owner@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    account = world["account"]

    page.goto(f"{base}/onboarding/templates/")
    expect(page.locator("table")).to_contain_text("every other account")
    _shoot(page, "template-list")
    page.goto(f"{base}/onboarding/templates/{world['enterprise'].pk}/edit/")
    _shoot(page, "template-edit")
    watch.assert_clean("template editor")

    page.goto(f"{base}/onboarding/templates/new/")
    page.fill("#id_name", "Pilot customers")
    page.fill("#id_segment", "Pilot")
    row = page.locator(".step-row").first
    expect(row.locator(".field-event_name")).to_be_hidden()
    row.locator("select[name$=-completed_by]").select_option("event")
    expect(row.locator(".field-event_name")).to_be_visible()
    expect(row.locator(".field-trait_name")).to_be_hidden()
    row.locator("input[name$=-title_en]").fill("Invite three teammates")
    row.locator("input[name$=-event_name]").fill("user_invited")
    row.locator("input[name$=-event_count]").fill("3")
    page.click("button[name=add_row]")
    expect(page.locator(".step-row")).to_have_count(2)
    _shoot(page, "template-new")
    page.locator("button.primary", has_text="Save").click()
    expect(page.locator(".messages")).to_contain_text("Pilot customers saved")
    # The ORM is off limits beside Playwright's loop: the saved step is read on its page.
    page.get_by_role("link", name="Pilot customers").click()
    expect(page.locator("input[name=steps-0-key]")).to_have_value("invite-three-teammates")
    expect(page.locator("input[name=steps-0-event_count]")).to_have_value("3")
    watch.assert_clean("new template")

    page.goto(f"{base}/accounts/{account.pk}/")
    expect(page.locator("#account-handover")).to_contain_text("No go-live date.")
    page.locator("#account-handover").scroll_into_view_if_needed()
    _shoot(page, "account-page")
    page.click("text=Edit the handover")
    page.fill("#id_go_live_on", "2027-01-15")
    page.fill("#id_risks", "none known")
    page.fill("#id_promised_features", "none")
    _shoot(page, "handover-form")
    page.click("text=Save handover")
    expect(page.locator("#account-handover")).not_to_contain_text("No go-live date.")
    expect(page.locator("#account-handover")).to_contain_text("Jan 15, 2027")
    _shoot(page, "account-onboarding")
    watch.assert_clean("handover")
