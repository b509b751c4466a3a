"""The account 360 page: header, health in place, usage from the daily rollups, subscription
history, contacts with their latest NPS, the merged timeline (order, day groups, cursor,
filters), empty states, bad input, the tenant boundary and a constant number of queries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import CustomerEmail, EmailStatus
from accounts.services.accounts import (
    account_upsert,
    contact_upsert,
    note_create,
    subscription_upsert,
)
from accounts.services.nps import nps_response_record
from csplatform.workplace.timeline import Cursor, timeline_page
from health.services.scorecards import scorecard_update
from health.services.tasks import task_complete, task_open
from metrics.models import AccountDay, Feature
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope
from tests.health.test_account_health_panel import _store, _version

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 21
TIMELINE_QUERIES = 13


def _account(tenant, name="Initech", **fields):
    account, _ = account_upsert(tenant=tenant, external_id=name.lower(), name=name, **fields)
    return account


def _page(client, account, query=""):
    return client.get(reverse("account", args=[account.pk]) + query)


def _timeline(client, account, query="", htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(reverse("account-timeline", args=[account.pk]) + query, **headers)


def _fill(tenant, account, n, *, now):
    """n notes, n usage days, n NPS answers, n tasks (half done), n sent emails, 2 terms."""
    contact, _ = contact_upsert(tenant=tenant, external_id=f"c-{n}", account=account, name="Ann")
    for i in range(n):
        at = now - timedelta(hours=3 * i + 1)
        note_create(tenant=tenant, account=account, body=f"note {i}", occurred_at=at)
        nps_response_record(tenant=tenant, contact=contact, score=i % 11, answered_at=at)
        task, _ = task_open(tenant=tenant, account=account, title=f"task {i}", due_on=at.date())
        if i % 2:
            task_complete(tenant=tenant, task=task)
        CustomerEmail.objects.create(
            tenant=tenant, account=account, contact=contact, to="ann@initech.test",
            template_key="check-in", subject=f"email {i}", status=EmailStatus.SENT, sent_at=at,
            idempotency_key=f"k-{n}-{i}",
        )  # fmt: skip
        AccountDay.objects.create(
            tenant=tenant, account_id=account.pk, day=tenant.today() - timedelta(days=i + 1),
            events=5, event_counts={"report_run": 3, "login": 2}, contacts=[1, 2],
            session_seconds=60,
        )  # fmt: skip
    today = tenant.today()
    subscription_upsert(
        tenant=tenant, external_id=f"s-old-{n}", account=account, mrr=100,
        start_date=today - timedelta(days=400), end_date=today - timedelta(days=30),
    )  # fmt: skip
    subscription_upsert(
        tenant=tenant, external_id=f"s-new-{n}", account=account, mrr=150,
        start_date=today - timedelta(days=30), end_date=today + timedelta(days=60),
    )  # fmt: skip


@pytest.mark.outsider("account")
@pytest.mark.outsider("account-timeline")
def test_outsiders_get_404_for_the_page_and_the_timeline(outsider_client, tenant):
    account = _account(tenant)
    note_create(tenant=tenant, account=account, body="secret plan")
    assert _page(outsider_client, account).status_code == 404
    posted = outsider_client.post(reverse("account", args=[account.pk]), {"body": "x"})
    assert posted.status_code == 404
    assert _timeline(outsider_client, account).status_code == 404
    assert _timeline(outsider_client, account, htmx=False).status_code == 404


def test_another_tenants_rows_never_show(owner_client, tenant, other_tenant):
    account = _account(tenant)
    theirs = _account(other_tenant, "Globex Corp")
    note_create(tenant=other_tenant, account=theirs, body="their note")
    # Their rollup rows carry our account's id: the tenant boundary still keeps them out.
    AccountDay.objects.create(
        tenant=other_tenant, account_id=account.pk, day=tenant.today() - timedelta(days=1),
        events=9, event_counts={"x": 9}, contacts=[1], session_seconds=1,
    )  # fmt: skip
    html = _page(owner_client, account).content.decode()
    assert "their note" not in html and "No product usage in the last 90 days" in html


def test_empty_account_says_what_arrives_where(owner_client, tenant):
    account = _account(tenant, "Quiet")
    response = _page(owner_client, account)
    html = response.content.decode()
    assert response.status_code == 200
    header = html[html.index('id="account-header"') : html.index('class="a360-grid"')]
    assert '<span class="figure na">n/a</span>' in header and "Not scored yet" in header
    assert "no active subscription" in header and "no end date" in header
    assert "Nothing has happened on this account yet" in html
    assert "No product usage in the last 90 days" in html
    assert "No contacts yet" in html and "No subscription terms yet" in html


def test_header_shows_score_reason_band_mrr_renewal_owner_stage(tenant, owner, owner_client):
    owner_membership = Membership.objects.for_tenant(tenant).get(user=owner)
    account = _account(tenant, owner=owner_membership, lifecycle_stage="adoption")
    version = _version(tenant)
    _store(tenant, account, tenant.today() - timedelta(days=1), 52, version)
    today = tenant.today()
    subscription_upsert(
        tenant=tenant, external_id="s1", account=account, mrr=120, currency="EUR",
        start_date=today - timedelta(days=10), end_date=today + timedelta(days=45),
    )  # fmt: skip
    html = _page(owner_client, account).content.decode()
    header = html[html.index('id="account-header"') : html.index('class="a360-grid"')]
    assert '<span class="figure">52</span>' in header and "Average" in header
    assert "Usage frequency pulled the score down most" in header
    assert "120.00 EUR" in header and "in 45 days" in header
    assert owner.email in header and "Adoption" in header
    # The breakdown is the health panel's, in place; the trend is drawn by the shared charts,
    # with the band cut-offs and the scorecard versions.
    panel = html[html.index('id="account-health"') : html.index('id="account-usage"')]
    assert "Effective weight" in panel and "Good from 70" in panel and "Average from 40" in panel
    assert panel.count('class="chart-figure"') == 1 and "Show as table" in panel


@pytest.mark.parametrize(
    "language, mrr", [("en", "1,234.50"), ("ru", "1\xa0234,50"), ("ro", "1.234,50")]
)
def test_money_is_grouped_as_the_readers_language_does(owner_client, tenant, language, mrr):
    account = _account(tenant)
    today = tenant.today()
    subscription_upsert(
        tenant=tenant, external_id="s1", account=account, mrr="1234.5", currency="EUR",
        start_date=today - timedelta(days=10), end_date=today + timedelta(days=45),
    )  # fmt: skip
    html = owner_client.get(
        reverse("account", args=[account.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    header = html[html.index('id="account-header"') : html.index('class="a360-grid"')]
    assert f"{mrr} EUR" in header  # not "1,234,50": a comma grouping a decimal comma
    history = html[html.index('id="account-subscriptions"') :]
    assert f"{mrr} EUR" in history


def test_health_trend_marks_where_the_scorecard_version_changed(owner_client, tenant):
    account = _account(tenant)
    yesterday = tenant.today() - timedelta(days=1)
    first = _version(tenant)
    _store(tenant, account, yesterday - timedelta(days=10), 40, first)
    scorecard_update(tenant=tenant, scorecard=first.scorecard, good_min=75)
    second = _version(tenant)
    _store(tenant, account, yesterday, 60, second)
    chart = owner_client.get(reverse("account", args=[account.pk])).context["health_trend"]["chart"]
    assert [(m.day, m.label) for m in chart.markers] == [(yesterday, f"v{second.number}")]
    assert [b.value for b in chart.bands] == [75, 40]
    assert [p.value for p in chart.points] == [40, 60]


def test_usage_charts_read_the_daily_rollups(owner_client, tenant):
    account = _account(tenant)
    Feature.objects.create(tenant=tenant, event_name="report_run", feature="Reports")
    yesterday = tenant.today() - timedelta(days=1)
    for back, contacts in ((0, [1, 2, 3]), (1, [1]), (45, [1, 2])):
        AccountDay.objects.create(
            tenant=tenant, account_id=account.pk, day=yesterday - timedelta(days=back),
            events=4, event_counts={"report_run": 3, "login": 1} if back < 2 else {"login": 4},
            contacts=contacts, session_seconds=1,
        )  # fmt: skip
    response = _page(owner_client, account)
    usage = response.context["usage"]
    assert len(usage.days) == 90 and usage.days[-1] == yesterday
    assert usage.active_users[-1] == 3 and usage.active_users[-2] == 1
    assert usage.active_users[-46] == 2 and sum(usage.active_users) == 6
    # Day 45 is outside the 30 days of adoption: login on 2 days, Reports (catalog) on 2.
    assert usage.adoption == [("Reports", 2, 7), ("login", 2, 7)]
    html = response.content.decode()
    assert "Reports" in html and "7%" in html and "Show as table" in html


def test_subscription_history_and_contacts_with_latest_nps(owner_client, tenant):
    account = _account(tenant)
    _fill(tenant, account, 3, now=timezone.now())
    response = _page(owner_client, account)
    assert [s.mrr for s in response.context["subscriptions"]] == [150, 100]
    contacts = response.context["contacts"]
    assert len(contacts) == 1 and contacts[0].latest_nps_score == 0  # the newest answer
    html = response.content.decode()
    assert "Subscription history" in html and "NPS 0" in html


def test_timeline_merges_every_kind_newest_first_grouped_by_local_day(owner_client, tenant):
    tenant.time_zone = "Europe/Bucharest"
    tenant.save()
    account = _account(tenant)
    now = timezone.now()
    _fill(tenant, account, 2, now=now)
    response = _page(owner_client, account)
    entries = response.context["timeline"]
    kinds = {entry.event for entry in entries}
    assert kinds == {
        "note", "nps", "email", "task_opened", "task_closed", "usage",
        "subscription_start", "subscription_end",
    }  # fmt: skip
    keys = [entry.key for entry in entries]
    assert keys == sorted(keys, reverse=True)
    tz = ZoneInfo("Europe/Bucharest")
    for entry in entries:
        if entry.timed:
            assert entry.day == entry.at.astimezone(tz).date()
    days = [entry.day for entry in entries if entry.new_day]
    assert days == sorted(set(days), reverse=True)
    html = response.content.decode()
    assert "times in Europe/Bucharest" in html
    assert "2 active users" in html and "Most used: report_run (3), login (2)" in html
    assert "Term started" in html and "MRR before: 100.00 USD" in html


def test_user_content_is_escaped(owner_client, tenant):
    account = _account(tenant)
    note_create(tenant=tenant, account=account, body="<script>alert(1)</script>")
    html = _page(owner_client, account).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_cursor_pages_through_everything_once(owner_client, tenant):
    account = _account(tenant)
    now = timezone.now().replace(microsecond=0)
    # Many entries at the same moment: the cursor's tie-break must neither repeat nor skip.
    for i in range(30):
        note_create(tenant=tenant, account=account, body=f"same moment {i}", occurred_at=now)
    _fill(tenant, account, 20, now=now)
    with tenant_scope(tenant):
        everything = timeline_page(
            account, tz=ZoneInfo(tenant.time_zone), today=tenant.today(), size=10_000
        ).entries
    seen, query, pages = [], "", 0
    while True:
        response = _timeline(owner_client, account, query)
        assert response.status_code == 200 and "<html" not in response.content.decode()
        seen += [(e.event, e.id) for e in response.context["timeline"]]
        pages += 1
        more = response.context["more_query"]
        if not more:
            break
        assert f"?{more}" in response.content.decode().replace("&amp;", "&")
        query = f"?{more}"
    assert seen == [(e.event, e.id) for e in everything] and pages > 3
    assert len(seen) == len(set(seen))


def test_filter_chips_keep_their_state_in_the_url(owner_client, tenant):
    account = _account(tenant)
    _fill(tenant, account, 3, now=timezone.now())
    response = _page(owner_client, account, "?kind=note&kind=nps")
    assert {e.kind for e in response.context["timeline"]} == {"note", "nps"}
    chips = {chip["kind"]: chip for chip in response.context["chips"]}
    assert chips["note"]["on"] and chips["note"]["query"] == "kind=nps"
    assert not chips["task"]["on"] and chips["task"]["query"] == "kind=note&kind=nps&kind=task"
    tasks = _timeline(owner_client, account, "?kind=task")
    assert {e.kind for e in tasks.context["timeline"]} == {"task"}


@pytest.mark.parametrize(
    "query",
    ["?cursor=abc", "?cursor=1.2", "?cursor=99999999999999999999999.1.1", "?cursor=1.99.1",
     "?kind=secrets", "?cursor=%00", "?cursor=-1.0.1"],
)  # fmt: skip
def test_bad_cursor_or_filter_answers_400_with_a_message(owner_client, tenant, query):
    account = _account(tenant)
    for response in (_page(owner_client, account, query), _timeline(owner_client, account, query)):
        assert response.status_code == 400
        html = response.content.decode()
        assert "not valid" in html or "Unknown kind" in html


def test_cursor_round_trip():
    at = datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=ZoneInfo("UTC"))
    assert Cursor.decode(Cursor(at, 3, 42).encode()) == Cursor(at, 3, 42)


def test_add_note_keeps_working_and_viewer_cannot(tenant, member_client, viewer_client):
    account = _account(tenant)
    url = reverse("account", args=[account.pk])
    assert member_client.post(url, {"body": "QBR booked"}).status_code == 302
    entries = member_client.get(url).context["timeline"]
    assert [e.obj.body for e in entries if e.kind == "note"] == ["QBR booked"]
    assert viewer_client.post(url, {"body": "x"}).status_code == 403
    empty = member_client.post(url, {"body": ""})
    assert empty.status_code == 400 and "body" in empty.context["form"].errors


def test_page_loads_the_tasks_onboarding_and_playbooks_panels(owner_client, tenant):
    account = _account(tenant)
    html = _page(owner_client, account).content.decode()
    for name in ("account-tasks", "account-onboarding", "account-playbooks"):
        assert f'hx-get="{reverse(name, args=[account.pk])}"' in html


# The page: sign-in and tenant (middleware), the account, terms, contacts, children, the
# health panel's reads, the 90 days of rollups and their catalog, then one query per kind of
# timeline entry. The timeline alone: the same minus the page's own sections.
@pytest.mark.parametrize(
    "endpoint, queries", [("page", PAGE_QUERIES), ("timeline", TIMELINE_QUERIES)]
)
def test_query_count_is_constant(
    tenant, owner_client, django_assert_num_queries, endpoint, queries
):
    account = _account(tenant)
    version = _version(tenant)
    _store(tenant, account, tenant.today() - timedelta(days=1), 52, version)
    now = timezone.now()
    _fill(tenant, account, 5, now=now)
    get = _page if endpoint == "page" else _timeline
    get(owner_client, account)
    with django_assert_num_queries(queries):
        assert get(owner_client, account).status_code == 200
    _fill(tenant, account, 200, now=now - timedelta(minutes=7))
    with django_assert_num_queries(queries):
        assert get(owner_client, account).status_code == 200


def test_a_stale_load_more_via_htmx_answers_400_with_an_item_in_place(owner_client, tenant):
    account = _account(tenant)
    response = _timeline(owner_client, account, "?cursor=abc")
    html = response.content.decode().strip()
    assert response.status_code == 400 and "HX-Request" in response["Vary"]
    # It replaces the "Load more" item of the list: a list item, not a page.
    assert html.startswith('<li class="timeline-more">') and "<html" not in html
    assert "not valid" in html
    plain = _timeline(owner_client, account, "?cursor=abc", htmx=False)
    assert plain.status_code == 400 and "<html" in plain.content.decode()
    assert "HX-Request" in plain["Vary"]


def test_recompute_reloads_the_pages_header_and_trend_rather_than_the_panels_chart(
    owner_client, tenant
):
    account = _account(tenant)
    _store(tenant, account, tenant.today() - timedelta(days=1), 52, _version(tenant))
    html = _page(owner_client, account).content.decode()
    section = html[html.index('<section class="card" id="account-health"') :]
    section = section[: section.index(">")]
    # The section listens for the event the recompute answers with, and reloads its content
    # and the header from the page (with the page's own trend chart), keeping itself so that a
    # second change during the request is queued rather than dropped with the element.
    assert 'hx-trigger="health-changed from:body"' in section
    assert 'hx-select="#account-health &gt; *"' in section and 'hx-swap="innerHTML"' in section
    assert 'hx-select-oob="#account-header"' in section
    form = html[html.index(f'hx-post="{reverse("account-health", args=[account.pk])}"') :]
    form = form[: form.index(">")]
    assert 'hx-target="#health-busy"' in form and "#account-health" not in form
    response = owner_client.post(
        reverse("account-health", args=[account.pk]), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Trigger"] == "health-changed"
    assert 'id="health-busy"' in response.content.decode()


def test_the_timeline_reloads_when_a_task_changes(owner_client, tenant):
    account = _account(tenant)
    html = _page(owner_client, account, "?kind=task&kind=note").content.decode()
    listing = html[html.index('<div id="timeline-list"') :]
    listing = listing[: listing.index(">")]
    url = reverse("account", args=[account.pk])
    assert f'hx-get="{url}?kind=note&amp;kind=task"' in listing
    assert 'hx-trigger="tasks-changed from:body"' in listing
    assert 'hx-select="#timeline-list &gt; *"' in listing and 'hx-swap="innerHTML"' in listing
    assert 'hx-disinherit="*"' in listing
