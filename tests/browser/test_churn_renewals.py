"""The churn and renewals pages in a real browser under the Content-Security-Policy: a CSM
opens the churn page, records the reason of an account that churned without one, and opens
the renewals page. Screenshots of each step go to artifacts/ (not kept in git)."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.services.accounts import account_upsert, subscription_upsert
from metrics.models import ChurnRecord
from metrics.services.churn_reasons import churn_reasons_ensure_defaults
from tenants.models import Role
from tenants.tenancy.context import tenant_scope
from tests.browser.test_pages_under_csp import Watch, _sign_in
from tests.factories import MembershipFactory, TenantFactory, UserFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def churned(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    membership = MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    churn_reasons_ensure_defaults(tenant=tenant)
    today = tenant.today()
    with tenant_scope(tenant):
        gone, _ = account_upsert(tenant=tenant, external_id="gone", name="Initech")
        ChurnRecord.objects.create(
            account=gone,
            churned_on=today - timedelta(days=12),
            tenure_months=14,
            last_mrr=Decimal("250"),
            engagement_trend=[18, 9, 2],
        )
        soon, _ = account_upsert(tenant=tenant, external_id="soon", name="Globex", owner=membership)
        subscription_upsert(
            tenant=tenant,
            external_id="soon-1",
            account=soon,
            mrr=Decimal("300"),
            start_date=today - timedelta(days=340),
            end_date=today + timedelta(days=25),
        )
    return tenant


@pytest.mark.parametrize("size", list(SIZES))
def test_record_a_churn_reason_then_open_renewals(live_server, churned, page: Page, size):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    page.set_viewport_size(SIZES[size])
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/churn/")
    expect(page.locator("#records")).to_contain_text("Reason not recorded")
    page.screenshot(path=ARTIFACTS / f"churn-{size}.png", full_page=True)
    page.locator("#records a.button", has_text="Record reason").click()
    page.select_option("select[name=reason]", label="Competitor")
    page.fill("textarea[name=note]", "Moved to a cheaper <tool> after the price change.")
    page.locator("form button[type=submit]", has_text="Save reason").click()
    expect(page).to_have_url(f"{base}/churn/")
    page.wait_for_load_state()  # styles applied before the width is measured
    expect(page.locator("#reasons")).to_contain_text("Competitor")
    expect(page.locator("#records")).to_contain_text("cheaper <tool> after")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    page.screenshot(path=ARTIFACTS / f"churn-recorded-{size}.png", full_page=True)
    page.goto(f"{base}/renewals/")
    expect(page.locator("#upcoming")).to_contain_text("Globex")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], "the page is wider than the screen"
    # A row is one line: the table scrolls sideways rather than fold "Not renewed yet" into
    # a narrow column word by word.
    lines = page.evaluate(
        """[...document.querySelectorAll('#upcoming tbody tr:first-child > *')].map(cell => {
            const range = document.createRange(); range.selectNodeContents(cell);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })"""
    )
    assert lines and max(lines) == 1, lines
    page.screenshot(path=ARTIFACTS / f"renewals-{size}.png", full_page=True)
    watch.assert_clean("churn and renewals")
