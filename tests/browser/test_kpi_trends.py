"""The KPI trends page in a real browser under the Content-Security-Policy: changing the
range, the cut and the group of metrics swaps the trends with htmx and keeps the choices in
the URL, editing a day
switches to a custom range, a definition opens in place; screenshots at 1366 and 390 px go to
artifacts/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from metrics.definitions import DAILY
from tenants.models import Role
from tests.browser.test_pages_under_csp import Watch, _sign_in
from tests.factories import MembershipFactory, TenantFactory, UserFactory
from tests.metrics.test_dashboard import add_days, add_months, set_state

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
def kpis(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    add_days(tenant, 120)
    add_days(tenant, 120, dimension="segment", key="SMB", scale=7)
    add_months(tenant)
    set_state(tenant)
    return tenant


# The database fixtures come before `page`: Playwright starts after them (conftest.py).
def test_range_cut_and_definition(live_server, kpis, page: Page):
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    watch = Watch(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in(page, base)
    page.goto(f"{base}/metrics/")
    mrr = page.locator("#trend-mrr")
    expect(mrr).to_contain_text("24,601")
    expect(mrr.locator("svg circle")).to_have_count(90)

    page.select_option("#kpi-range", "30")
    expect(page).to_have_url(re.compile(r"range=30"))
    expect(page.locator("#trend-mrr svg circle")).to_have_count(30)
    expect(page.locator("#kpi-start")).to_have_value("2026-03-02")

    page.select_option("#kpi-cut", "segment:SMB")
    expect(page).to_have_url(re.compile(r"cut=segment%3ASMB"))
    expect(page.locator("#trend-mrr")).to_contain_text("7,000")
    expect(page.locator("#kpi-range")).to_have_value("30")

    # One group of metrics at a time: a tab shows another and keeps the range and the cut.
    expect(page.locator("#trend-dau")).to_have_count(0)
    page.click("#kpi-group-usage")
    expect(page).to_have_url(re.compile(r"range=30.*cut=segment%3ASMB.*group=usage"))
    expect(page.locator("#trend-dau svg circle")).to_have_count(30)
    expect(page.locator("#kpi-group-usage")).to_have_attribute("aria-current", "page")
    expect(page.locator("#trend-mrr")).to_have_count(0)
    page.click("#kpi-group-revenue")
    expect(page).to_have_url(re.compile(r"group=revenue"))

    definition = page.locator("#trend-mrr details.definition")
    expect(definition.locator("p").first).not_to_be_visible()
    definition.locator("summary").click()
    expect(definition.locator("p").first).to_have_text(DAILY["mrr"].definition)

    # Editing a day switches the range to from-to.
    page.fill("#kpi-start", "2026-03-20")
    page.locator("#kpi-start").dispatch_event("change")
    expect(page).to_have_url(re.compile(r"range=custom.*start=2026-03-20"))
    expect(page.locator("#trend-mrr svg circle")).to_have_count(12)

    watch.assert_clean("KPI trends")
    # Screenshots last: Playwright leaves an empty style attribute that a later htmx swap
    # would copy (and the policy would block), which no user ever meets.
    page.screenshot(path=ARTIFACTS / "kpi_trends_1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "kpi_trends_390.png", full_page=False)
