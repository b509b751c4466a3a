"""The webhook pages in a real browser under the Content-Security-Policy: an endpoint is
added through the form, its secret revealed in place with htmx, the rotation asks first and
then shows both secrets, and a hostile description stays text."""

import re

import pytest
from playwright.sync_api import Page, expect

from tenants.models import Role
from tests.browser.test_pages_under_csp import PAYLOAD, Watch, _sign_in
from tests.factories import MembershipFactory, TenantFactory, UserFactory


@pytest.fixture
def owner_world(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    return tenant


# The database fixtures come before `page`: Playwright starts after them (conftest.py).
def test_add_reveal_and_rotate_under_the_policy(live_server, owner_world, page: Page):
    base = live_server.url
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/settings/webhooks/")
    expect(page.locator(".empty")).to_contain_text("No endpoints yet")
    page.fill("input[name=url]", "https://8.8.8.8/hooks")
    page.fill("input[name=description]", PAYLOAD)
    page.check("input[name=event_types][value='task.opened']")
    page.click("text=Add endpoint")
    expect(page).to_have_url(re.compile(r"/settings/webhooks/\d+/$"))
    page.wait_for_load_state()  # htmx set up: the link swaps in place rather than navigating
    expect(page.locator("pre.secret")).to_have_count(0)

    page.click("text=Reveal secret")  # swapped in place with htmx
    expect(page.locator("#secret pre.secret")).to_have_count(1)
    expect(page.locator("#secret pre.secret")).to_contain_text("whsec_")
    expect(page).to_have_url(re.compile(r"/settings/webhooks/\d+/$"))

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Rotate secret")
    expect(page.locator("#secret pre.secret")).to_have_count(2)
    expect(page.locator("input[name=description]")).to_have_value(PAYLOAD)
    page.goto(f"{base}/settings/webhooks/")
    expect(page.locator("table")).to_contain_text(PAYLOAD)
    watch.assert_clean("webhooks")
