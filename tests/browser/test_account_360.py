"""The account 360 page in a real browser under the Content-Security-Policy, at a laptop's and a
phone's width: the sections are there, a task is completed in place (htmx, no reload), the
timeline loads more entries, and no script error or policy violation. Screenshots go to
artifacts/ (or SCREENSHOT_DIR)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.services.accounts import account_upsert, note_create, subscription_upsert
from health.models import HealthScore
from health.services.score_history import health_scores_compute
from health.services.tasks import task_open
from tenants.models import Role
from tenants.tenancy.context import tenant_scope
from tests.browser.test_pages_under_csp import Watch, _sign_in, htmx_settled
from tests.factories import MembershipFactory, TenantFactory, UserFactory
from tests.health.helpers import DAY, account, active_days, days_back

WIDTHS = {"laptop": 1366, "phone": 390}
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
def world(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    today = tenant.today()
    subscription_upsert(
        tenant=tenant, external_id="s1", account=account, mrr=250,
        start_date=today - timedelta(days=20), end_date=today + timedelta(days=90),
    )  # fmt: skip
    now = timezone.now()
    for i in range(30):  # more than a page: "Load more" appears
        note_create(
            tenant=tenant, account=account, body=f"Call notes {i}",
            occurred_at=now - timedelta(hours=5 * i),
        )  # fmt: skip
    task, _ = task_open(
        tenant=tenant, account=account, title="Book the QBR", due_on=today + timedelta(days=3)
    )
    return {"tenant": tenant, "account": account, "task": task}


@pytest.mark.parametrize("label", list(WIDTHS))
def test_open_an_account_and_complete_a_task_in_place(live_server, world, page: Page, label):
    width = WIDTHS[label]
    page.set_viewport_size({"width": width, "height": 900})
    watch = Watch(page)
    _sign_in(page, live_server.url)
    account, task = world["account"], world["task"]
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    expect(page.locator("h1")).to_have_text("Initech")
    expect(page.locator("#account-header")).to_contain_text("250.00 USD")
    expect(page.locator("#timeline")).to_contain_text("Call notes 0")
    row = page.locator(f"#task-{task.pk}")
    expect(row).to_contain_text("Book the QBR")  # the tasks panel, loaded by htmx
    htmx_settled(page)  # every panel in place before the picture and the width
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ARTIFACTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"account-360-{label}.png"), full_page=True)

    # Nothing wider than the screen at a phone's width: the sections stack.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.evaluate("() => { window.a360Marker = 1; }")  # survives only without a reload
    row.locator("button", has_text="Done").click()
    expect(page.locator(f"#task-{task.pk} .badge")).to_contain_text("Done")
    # The timeline follows without a reload: the task's completion is its newest entry.
    expect(page.locator("#timeline .timeline-entry").first).to_contain_text(
        "Task done: Book the QBR"
    )
    expect(page.locator("#timeline-list")).to_have_count(1)  # its content came, not a copy of it
    assert page.evaluate("() => window.a360Marker") == 1

    entries = page.locator("#timeline .timeline-entry")
    before = entries.count()
    page.locator("#timeline .timeline-more a").click()
    expect(page.locator("#timeline")).to_contain_text("Call notes 29")
    assert entries.count() > before
    watch.assert_clean(f"account 360 at {width}px")

    # Stored: after a reload the task is no longer open (the ORM cannot run beside Playwright).
    page.reload()
    expect(page.locator("#account-tasks")).to_contain_text("No open tasks on this account.")
    htmx_settled(page)
    if label == "phone":
        # Stacked, a card with little in it (no task left) is as wide as the others.
        widths = page.evaluate(
            "['#account-health', '#account-tasks', '#account-contacts']"
            ".map(s => document.querySelector(s).getBoundingClientRect().width)"
        )
        assert widths[1] == widths[0] == widths[2], widths


def test_a_stale_load_more_link_says_so_in_place(live_server, world, page: Page):
    base = live_server.url
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/accounts/{world['account'].pk}/")
    # The cursor no longer means anything to the server (edited, or written by another version).
    page.route(
        "**/timeline/?*",
        lambda route: route.continue_(url=route.request.url.replace("cursor=", "cursor=x")),
    )
    page.locator("#timeline .timeline-more a").click()
    message = page.locator("#timeline .timeline-more [role=alert]")
    expect(message).to_contain_text("This “Load more” link is not valid; reload the page.")
    expect(page.locator("#timeline .timeline-more a")).to_have_count(0)
    assert all("status of 400" in problem for problem in watch.problems), watch.problems


@pytest.fixture
def scored(transactional_db):
    tenant = TenantFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=owner, role=Role.OWNER)
    acct = account(tenant, "initech")
    active_days(tenant, acct, days_back(DAY, *range(0, 12)))
    health_scores_compute(tenant=tenant, day=DAY)
    with tenant_scope(tenant):
        real = HealthScore.objects.get(account=acct, day=DAY).score
        HealthScore.objects.filter(account=acct).update(score=1, band="poor")
    return {"account": acct, "real": real}


def test_recompute_now_shows_the_new_score_in_the_header_and_the_trend(
    live_server, scored, page: Page
):
    base = live_server.url
    watch = Watch(page)
    _sign_in(page, base)
    page.goto(f"{base}/accounts/{scored['account'].pk}/")
    header, health = page.locator("#account-header"), page.locator("#account-health")
    expect(header.locator(".a360-score .figure")).to_have_text("1")
    trend = health.locator(".chart-figure")
    expect(trend).to_have_count(1)
    drawn = trend.text_content()
    page.evaluate("() => { window.a360Marker = 1; }")  # survives only without a reload
    health.get_by_role("button", name="Recompute now").click()
    real = str(scored["real"])
    expect(header.locator(".a360-score .figure")).to_have_text(real)
    expect(health.locator(".health-score .figure")).to_have_text(real)
    # Still the page's own trend (one chart, with the band cut-offs), now with the new score.
    expect(trend).to_have_count(1)
    expect(page.locator("#account-health")).to_have_count(1)
    expect(health).to_contain_text("Good from")
    expect(trend).not_to_have_text(drawn)
    assert page.evaluate("() => window.a360Marker") == 1
    watch.assert_clean("recompute on the account page")
