"""The top bar in a real browser: on a 1366 px laptop every entry sits on one line; under
1100 px it folds behind "Menu"; its drop-down menus open and close from the keyboard, one at a
time; no width scrolls sideways; the count of tasks due follows every change, even one that
comes while it is being fetched. Screenshots go to artifacts/."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.services.accounts import account_upsert
from health.services.tasks import task_open
from tenants.models import Role
from tenants.tenancy.context import tenant_scope
from tests.browser.test_pages_under_csp import Watch, _sign_in
from tests.factories import MembershipFactory, TenantFactory, UserFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
def owner(transactional_db):
    tenant = TenantFactory(name="Acme Corporation", slug="acme")
    second = TenantFactory(name="Globex", slug="globex")
    # Staff with two tenants: the widest bar (the tenant switcher, every settings entry).
    user = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=user, role=Role.OWNER)
    MembershipFactory(tenant=second, user=user, role=Role.OWNER)
    with tenant_scope(tenant):
        account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        task_open(
            tenant=tenant,
            account=account,
            title="Call Initech",
            due_on=tenant.today(),
            assignee=user.memberships.get(tenant=tenant),
        )
    return user


def _scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# The database fixtures come before `page`: Playwright starts after them (conftest.py).
def test_the_bar_fits_a_laptop_and_folds_on_a_phone(live_server, owner, page: Page):
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    watch = Watch(page)
    page.set_viewport_size({"width": 1366, "height": 800})
    _sign_in(page, base)
    expect(page.locator(".mainnav .nav-count")).to_have_text("1")  # the widest bar: with a count
    expect(page.locator(".nav-collapse > summary")).to_be_hidden()
    entries = page.locator(".topbar .mainnav-list > li")
    tops = {round(entries.nth(n).bounding_box()["y"]) for n in range(entries.count())}
    assert len(tops) == 1, tops  # one line
    assert _scroll_width(page) <= 1366

    # The keyboard opens a menu, Escape closes it and gives the focus back to its button.
    more = page.locator(".mainnav details.navmenu").first
    more.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(more.get_by_role("link", name="Scorecards")).to_be_visible()
    page.keyboard.press("Escape")
    expect(more.get_by_role("link", name="Scorecards")).to_be_hidden()
    expect(more.locator("summary")).to_be_focused()
    # One menu at a time; a click elsewhere closes it.
    more.locator("summary").click()
    settings = page.locator(".mainnav details.navmenu").nth(1)
    settings.locator("summary").click()
    expect(settings.get_by_role("link", name="Team")).to_be_visible()
    expect(more.get_by_role("link", name="Scorecards")).to_be_hidden()
    page.locator("main h1").first.click()
    expect(settings.get_by_role("link", name="Team")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "navigation_1366.png")

    page.set_viewport_size({"width": 390, "height": 844})
    menu = page.locator(".nav-collapse > summary")
    expect(menu).to_be_visible()
    expect(page.locator(".mainnav")).to_be_hidden()
    assert _scroll_width(page) <= 390
    menu.click()
    expect(page.get_by_role("link", name="Portfolio")).to_be_visible()
    assert _scroll_width(page) <= 390
    page.screenshot(path=ARTIFACTS / "navigation_390.png")
    watch.assert_clean("navigation")


# Counts the task count's requests as htmx ends them, in the body's data-count-requests as
# "succeeded/failed", then announces two changes at once: the second comes while the first
# change's request is under way.
TWO_CHANGES = """() => {
  const ended = {succeeded: 0, failed: 0};
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.pathInfo.requestPath.includes("/tasks/due-count/")) {
      ended[event.detail.successful ? "succeeded" : "failed"] += 1;
      document.body.dataset.countRequests = `${ended.succeeded}/${ended.failed}`;
    }
  });
  document.body.dispatchEvent(new Event("tasks-changed"));
  document.body.dispatchEvent(new Event("tasks-changed"));
}"""


def test_the_task_count_follows_changes_that_come_during_its_request(
    live_server, owner, page: Page
):
    watch = Watch(page)
    _sign_in(page, live_server.url)
    count = page.locator(".mainnav .nav-count")
    expect(count).to_have_text("1")  # the count's first request, on load, has ended
    page.evaluate(TWO_CHANGES)
    # Both changes are answered: the second waits for the first rather than aborting it (which
    # htmx reports as an error) or being dropped with the element the first answer replaced.
    expect(page.locator("body")).to_have_attribute("data-count-requests", "2/0")
    expect(count).to_have_text("1")
    watch.assert_clean("task count")
