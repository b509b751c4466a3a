"""Switching language in a real browser: a CSM signs in and picks each of the four languages
with the switch in the user's menu; the page comes back in that language (the navigation's
"Portfolio" as the catalogue words it, and the page's `lang`), at a laptop's and a phone's
width. On a phone the navigation folds behind the "Menu" button, which the test opens first.
A screenshot of each language at each width goes to artifacts/ (or SCREENSHOT_DIR)."""

import os
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.services.accounts import account_upsert
from tests.browser.test_pages_under_csp import PASSWORD, Watch
from tests.factories import MembershipFactory, TenantFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"desktop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}
# The switch's options by their value: the code the page then declares.
LANGUAGES = [("简体中文", "zh-hans"), ("Русский", "ru"), ("Română", "ro"), ("English", "en")]


@pytest.fixture
def world(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    MembershipFactory(tenant=tenant, user=UserFactory(email="csm@acme.test"))
    account_upsert(tenant=tenant, external_id="a1", name="Initech")
    return tenant


def _portfolio(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Portfolio")


def _open_menus(page: Page, size: str) -> None:
    """Show the user's menu (and, on a phone, the folded navigation around it)."""
    if size == "phone":
        fold = page.locator("details.nav-collapse")
        if fold.get_attribute("open") is None:
            fold.locator("> summary").click()
    user_menu = page.locator("details.navmenu-user")
    if user_menu.get_attribute("open") is None:
        user_menu.locator("> summary").click()


@pytest.mark.parametrize("size", SIZES)
def test_each_language_from_the_switch(live_server, world, page: Page, size):
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(SIZES[size])
    watch = Watch(page)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "csm@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")
    portfolio_link = page.locator("nav.mainnav a[href='/accounts/']")
    for name, code in LANGUAGES:
        _open_menus(page, size)
        # The select sends its form as soon as it changes (static/js/app.js).
        with page.expect_navigation():
            page.select_option("#language-switch", value=code)
        expect(page.locator("html")).to_have_attribute("lang", code)
        if size == "phone":
            menu = page.locator("details.nav-collapse > summary")
            expect(portfolio_link).to_be_hidden()  # folded until the Menu button opens it
            menu.click()
        expect(portfolio_link).to_be_visible()
        expect(portfolio_link).to_have_text(_portfolio(code))
        watch.assert_clean(f"{name} at {size} width")
        page.screenshot(path=str(folder / f"language-{code}-{size}.png"), full_page=True)
        # Longer words must not widen the page: the portfolio, with its menus closed.
        page.goto(f"{live_server.url}/accounts/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["width"], f"{name}: the portfolio is {width} px wide"
        page.goto(f"{live_server.url}/")
