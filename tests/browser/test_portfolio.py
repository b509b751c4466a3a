"""The portfolio in a real browser under the Content-Security-Policy, on a laptop and on a
phone: filtering by band and sorting swap the table with htmx and write the state into the
address; the back button walks back through those states. Screenshots go to artifacts/."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tenants.models import Role
from tests.browser.test_pages_under_csp import Watch, _sign_in
from tests.factories import MembershipFactory, TenantFactory, UserFactory
from tests.workplace.portfolio_data import book

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
def portfolio(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    book(tenant, 60)
    return tenant


def _bands(page: Page) -> set[str]:
    return set(page.locator("#results tbody td.col-band .badge").all_inner_texts())


# The database fixtures come before `page`: Playwright starts after them (conftest.py).
@pytest.mark.parametrize("width", [1366, 390])
def test_filter_sort_and_back_keep_the_state_in_the_address(
    live_server, portfolio, page: Page, width
):
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/accounts/")
    expect(page.locator("#results")).to_contain_text("60 accounts")
    filters = page.locator("details.portfolio-filters")
    if width < 640:  # folded on a phone: the table comes first
        expect(filters).not_to_have_attribute("open", "")
        filters.locator("summary").click()
    page.get_by_label("Poor").check()
    expect(page).to_have_url(f"{base}/accounts/?band=poor")
    expect(page.locator("#results")).to_contain_text("20 accounts")
    assert _bands(page) == {"Poor"}

    page.locator("#results th.col-mrr a").click()
    expect(page).to_have_url(f"{base}/accounts/?band=poor&sort=mrr")
    page.locator("#results th.col-mrr a").click()
    expect(page).to_have_url(f"{base}/accounts/?band=poor&sort=-mrr")
    expect(page.locator("#results tbody th.col-name").first).to_have_text("Acct-0059 SMB")
    expect(page.locator("#results th.col-mrr")).to_have_attribute("aria-sort", "descending")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portfolio-{width}.png"), full_page=True)

    page.go_back()
    expect(page).to_have_url(f"{base}/accounts/?band=poor&sort=mrr")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#results tbody th.col-name").first).to_have_text("Acct-0002 SMB")
    page.go_back()
    expect(page).to_have_url(f"{base}/accounts/?band=poor")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#results")).to_contain_text("20 accounts")
    assert _bands(page) == {"Poor"}
    page.go_back()
    expect(page).to_have_url(f"{base}/accounts/")
    expect(page.locator("#results")).to_contain_text("60 accounts")
    # The table scrolls inside its wrapper, never the page.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    watch.assert_clean("portfolio")


def test_an_invalid_filter_shows_its_message_in_the_page(live_server, portfolio, page: Page):
    """htmx leaves 4xx answers out by default: the 400 with the form's errors must be swapped
    in (a filter gone stale since the page was loaded, here an option the server refuses)."""
    base = live_server.url
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/accounts/")
    expect(page.locator("#results")).to_contain_text("60 accounts")
    page.evaluate("() => document.getElementById('renewal').add(new Option('Within 7 days', '7'))")
    page.select_option("#renewal", "7")
    expect(page).to_have_url(f"{base}/accounts/?renewal=7")
    alert = page.locator("#results .errors[role=alert]")
    expect(alert).to_contain_text("Some filters in this address are not valid")
    expect(alert).to_contain_text("Renewal: Select a valid choice.")
    expect(page.locator("#results table")).to_have_count(0)
    # Choosing a valid window again brings the table back.
    page.select_option("#renewal", "90")
    expect(page.locator("#results")).to_contain_text("accounts")
    expect(alert).to_have_count(0)
    # The 400 itself is the only thing the browser's console reports.
    assert all("status of 400" in problem for problem in watch.problems), watch.problems
