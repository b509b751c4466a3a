"""Every page in a real browser under the Content-Security-Policy: no violation, no script
error, htmx swaps work, and the revoke/remove confirmations ask before posting, showing
hostile names as text."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.services.accounts import account_upsert, contact_upsert
from tenants.models import Role
from tenants.tenancy.context import tenant_scope
from tests.factories import MembershipFactory, TenantFactory, UserFactory
from tests.metrics.test_dashboard import add_days, add_months

PAYLOAD = "'+alert(document.domain)+'"
PASSWORD = "pass-word-123"


class Watch:
    """Collects CSP violations (the DOM event and the console report) and script errors."""

    def __init__(self, page: Page):
        self.problems: list[str] = []
        page.expose_function("__reportViolation", lambda text: self.problems.append(text))
        # Injected by the browser's debugging protocol, which the page's CSP does not govern.
        page.add_init_script(
            """document.addEventListener("securitypolicyviolation", (e) =>
                 window.__reportViolation(`CSP ${e.violatedDirective} blocked ${e.blockedURI}` +
                                          ` at ${e.sourceFile}:${e.lineNumber}`));"""
        )
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("dialog", self._unexpected_dialog)

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"console: {text}")
        elif message.type == "error" and "favicon.ico" not in (message.location or {}).get(
            "url", ""
        ):
            self.problems.append(f"console error: {text}")

    def _unexpected_dialog(self, dialog):
        if dialog.type == "alert":
            self.problems.append(f"an alert ran: {dialog.message}")
        # Dialogs expected by a step are handled by its own once-listener.

    def assert_clean(self, where: str):
        assert self.problems == [], where


@pytest.fixture
def world(transactional_db):
    tenant = TenantFactory(name=PAYLOAD, slug="acme")
    second = TenantFactory(name="Globex", slug="globex")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    MembershipFactory(tenant=second, user=owner, role=Role.OWNER)
    csm = UserFactory(email="x'+alert(document.domain)+'@acme.test")
    MembershipFactory(tenant=tenant, user=csm, role=Role.CSM)
    with tenant_scope(tenant):
        account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        contact_upsert(tenant=tenant, account=account, external_id="c-1", email="ann@initech.test")
    add_days(tenant, 90)
    add_months(tenant)
    return {"tenant": tenant, "account": account}


def _sign_in(page: Page, base: str):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "owner@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    page.wait_for_load_state()  # the page's scripts and styles: a test acts on them next


def htmx_settled(page: Page):
    """Wait until every htmx request under way has ended: htmx marks its element with
    htmx-request until the answer is swapped in."""
    expect(page.locator(".htmx-request")).to_have_count(0)


# The database fixtures come before `page`: Playwright starts after them (conftest.py).
def test_every_page_works_under_the_policy(live_server, world, page: Page):
    base = live_server.url
    watch = Watch(page)
    page.goto(f"{base}/login/")
    watch.assert_clean("login")
    _sign_in(page, base)
    account = world["account"]

    tenant_admin = f"/admin/tenants/tenant/{world['tenant'].pk}/change/"
    pages = ["/", "/accounts/", "/metrics/definitions/", "/metrics/recompute/", "/admin/"]
    pages += ["/password_change/", "/password_reset/"]
    for path in [*pages, tenant_admin, "/admin/tenants/membership/", "/api/docs/"]:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        watch.assert_clean(path)
    expect(page.locator(".swagger-ui .info")).to_be_visible()  # Swagger UI started

    # The account page loads its tasks panel with htmx (hx-trigger="load").
    page.goto(f"{base}/accounts/{account.pk}/")
    expect(page.locator("#account-tasks")).to_contain_text("Your inbox")
    page.goto(f"{base}/accounts/{account.pk}/usage/")
    watch.assert_clean("account and usage panel")

    # Tasks: opened in the account's panel, then completed in place in the inbox, with htmx;
    # the navigation's count follows.
    page.goto(f"{base}/accounts/{account.pk}/")
    page.locator("#account-tasks summary", has_text="New task").click()
    page.fill("#account-tasks input[name=title]", "Call " + PAYLOAD)
    page.fill("#account-tasks input[name=due_on]", world["tenant"].today().isoformat())
    page.select_option("#account-tasks select[name=assignee]", label="owner@acme.test")
    page.click("text=Add task")
    expect(page.locator("#account-tasks .task")).to_contain_text(PAYLOAD)
    expect(page.locator(".mainnav .nav-count")).to_have_text("1")
    page.goto(f"{base}/tasks/")
    expect(page.locator(".mainnav .nav-count")).to_have_text("1")
    page.locator("#today button", has_text="Done").click()
    expect(page.locator("#today .task-notice")).to_have_text("Done.")
    expect(page.locator(".mainnav .nav-count")).to_have_count(0)
    watch.assert_clean("tasks")

    # The account list filters with htmx as one types.
    page.goto(f"{base}/accounts/")
    page.fill("input[name=q]", "no-such-account")
    expect(page.locator("#results")).not_to_contain_text("Initech")
    page.fill("input[name=q]", "Init")
    expect(page.locator("#results")).to_contain_text("Initech")
    watch.assert_clean("account list filter")

    # KPI trends: the charts are drawn, and choosing a group swaps the trends with htmx.
    page.goto(f"{base}/metrics/")
    expect(page.locator("#trend-mrr svg.chart path.series-line")).to_have_count(1)
    page.click("#kpi-group-usage")
    expect(page).to_have_url(re.compile(r"group=usage"))
    expect(page.locator("#trends .trend-card h3").first).to_contain_text("DAU")
    watch.assert_clean("KPIs")

    # A data import and its job page.
    page.goto(f"{base}/data/")
    page.select_option("select[name=kind]", "accounts")
    page.set_input_files(
        "input[name=file]",
        files=[
            {"name": "a.csv", "mimeType": "text/csv", "buffer": b"external_id,name\nacc-2,Hooli\n"}
        ],
    )
    page.click("text=Upload and check")
    expect(page).to_have_url(re.compile(r"/data/imports/\d+/$"))
    expect(page.locator("#job-status")).to_contain_text("valid", ignore_case=True)
    watch.assert_clean("data import")

    # API keys: the hostile name is shown in the question as text, and nothing runs.
    page.goto(f"{base}/settings/api-keys/")
    page.fill("input[name=name]", PAYLOAD)
    page.click("text=Create key")
    page.wait_for_load_state()  # the confirmation comes from the new page's script
    row = page.locator("tr", has_text=PAYLOAD)
    questions = []

    def answer(accept):
        def handle(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", handle)

    answer(False)
    row.locator("button", has_text="Revoke").click()
    expect(row).to_contain_text("active")  # dismissed: nothing posted
    answer(True)
    row.locator("button", has_text="Revoke").click()
    expect(page.locator("tr", has_text=PAYLOAD)).to_contain_text("revoked")
    assert questions == [f"Revoke “{PAYLOAD}”? Systems using it will stop working at once."] * 2
    watch.assert_clean("API keys")

    # Team: removing the member asks first, with the email and tenant name as text.
    page.goto(f"{base}/settings/team/")
    member_row = page.locator("tr", has_text="x'+alert")
    answer(False)
    member_row.locator("button", has_text="Remove").click()
    expect(page.locator("tr", has_text="x'+alert")).to_have_count(1)
    answer(True)
    member_row.locator("button", has_text="Remove").click()
    expect(page.locator("tr", has_text="x'+alert")).to_have_count(0)
    assert questions[-1] == f"Remove x{PAYLOAD}@acme.test from {PAYLOAD}?"
    watch.assert_clean("team")

    # The tenant switcher submits on change, from the static script.
    page.select_option("#tenant-switch", "globex")
    expect(page).to_have_title(re.compile(r"· Globex$"))
    watch.assert_clean("tenant switcher")
