"""The home page in a real browser under the Content-Security-Policy: an owner signs in, sees
the team's tasks due, switches to a CSM's view with the select (submitted by app.js) and sees
that CSM's tasks only. Screenshots at a laptop's and a phone's width go to artifacts/ (or
SCREENSHOT_DIR)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account
from accounts.services.accounts import account_upsert
from health.services.tasks import task_open
from tenants.models import Role
from tenants.tenancy.context import tenant_scope
from tests.browser.test_pages_under_csp import PASSWORD, Watch
from tests.factories import MembershipFactory, TenantFactory, UserFactory

WIDTHS = {"laptop": 1366, "phone": 390}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = MembershipFactory(
        tenant=tenant, user=UserFactory(email="owner@acme.test", is_staff=True), role=Role.OWNER
    )
    csm = MembershipFactory(tenant=tenant, user=UserFactory(email="csm@acme.test"))
    today = tenant.today()
    for xid, name, member, title, due in [
        ("a1", "Initech", csm, "Call Initech about the renewal", today - timedelta(days=2)),
        ("a2", "Hooli", owner, "Prepare the Hooli business review", today),
    ]:
        account, _ = account_upsert(tenant=tenant, external_id=xid, name=name)
        with tenant_scope(tenant):
            Account.objects.filter(pk=account.pk).update(owner=member)
        task_open(tenant=tenant, account=account, title=title, assignee=member, due_on=due)
    return {"tenant": tenant, "csm": csm}


def _shoot(page: Page, name: str):
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_owner_sees_the_tasks_and_switches_to_a_csms_view(live_server, world, page: Page):
    base = live_server.url
    watch = Watch(page)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "owner@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    tasks = page.locator("section", has=page.locator("#tasks-title"))
    expect(tasks).to_contain_text("Call Initech about the renewal")
    expect(tasks).to_contain_text("Prepare the Hooli business review")
    watch.assert_clean("home")
    _shoot(page, "home-team")

    page.select_option("#home-csm", label="csm@acme.test")
    expect(page).to_have_url(f"{base}/?csm={world['csm'].pk}")
    expect(page.locator("h1 + p")).to_contain_text("Accounts of csm@acme.test")
    expect(tasks).to_contain_text("Call Initech about the renewal")
    expect(tasks).not_to_contain_text("Hooli")
    watch.assert_clean("home, a CSM's view")
    _shoot(page, "home-csm")
