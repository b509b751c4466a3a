"""The alert rules page in a real browser under the Content-Security-Policy: saving a rule
swaps its card with htmx, showing a bad value's error in place, then the saved rule."""

import pytest
from playwright.sync_api import Page, expect

from health.models import TaskKind
from health.services.rules import alert_rules_ensure_defaults
from tenants.models import Role
from tests.browser.test_pages_under_csp import Watch, _sign_in
from tests.factories import MembershipFactory, TenantFactory, UserFactory


@pytest.fixture
def idle_rule(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    rules = alert_rules_ensure_defaults(tenant=tenant)
    return tenant, next(r for r in rules if r.kind == TaskKind.NO_ACTIVITY)


# The database fixtures come before `page`: Playwright starts after them (conftest.py).
def test_a_rule_is_saved_in_place_with_htmx(live_server, idle_rule, page: Page):
    _, rule = idle_rule
    base = live_server.url
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/settings/alert-rules/")
    card = page.locator(f"#rule-{rule.pk}")
    card.locator(f"input[name='rule-{rule.pk}-days']").fill("-3")
    card.locator("button", has_text="Save").click()
    expect(page.locator(f"#rule-{rule.pk} .error")).to_have_text("Must not be negative.")
    expect(page).to_have_url(f"{base}/settings/alert-rules/")
    page.locator(f"input[name='rule-{rule.pk}-days']").fill("21")
    page.locator(f"#rule-{rule.pk} button", has_text="Save").click()
    expect(page.locator(f"#rule-{rule.pk}")).to_contain_text("no usage event for 21 days")
    expect(page.locator(f"#rule-{rule.pk} .message")).to_have_text("Saved.")
    page.reload()  # saved, not only shown (no ORM call here: Playwright's loop is running)
    expect(page.locator(f"input[name='rule-{rule.pk}-days']")).to_have_value("21")
    watch.assert_clean("alert rules")
