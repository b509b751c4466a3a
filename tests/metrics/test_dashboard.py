"""KPI pages: metric cards, n/a, tooltips, trend charts, monthly table, cuts, htmx partial,
empty state, definitions, recompute jobs, roles, outsiders and query counts (ranges, fair
changes and cohorts: test_trends.py)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape

from accounts.services.accounts import account_upsert, subscription_upsert
from metrics.definitions import ALL, DAILY, MONTHLY
from metrics.models import MetricFigure, MetricsState, RecomputeJob
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db

LATEST = datetime.date(2026, 3, 31)
DAY_FIGURES = {
    # metric: (value, numerator, denominator)
    "active_accounts": (246, None, None),
    "mrr": (Decimal("24600.50"), None, None),
    "arr": (Decimal("295206"), None, None),
    "arpu": (Decimal("100.002"), Decimal("24600.50"), 246),
    "ltv": (None, Decimal("100.002"), None),  # no churn observed: undefined
    "nps": (42, 21, 50),
    "dau": (120, None, None),
    "wau": (300, None, None),
    "mau": (400, None, None),
    "stickiness": (Decimal("0.3"), 120, 400),
    "time_in_app_seconds": (Decimal("650.5"), Decimal("78060"), 120),
    "adoption_rate": (Decimal("0.934959"), 230, 246),
    "arr_per_csm": (Decimal("147603"), Decimal("295206"), 2),
}


def _rows(tenant, grain, period, figures, *, dimension="all", key=""):
    now = timezone.now()
    return [
        MetricFigure(
            tenant=tenant, grain=grain, period=period, dimension=dimension, key=key,
            metric=metric, value=value, numerator=numerator, denominator=denominator,
            computed_at=now,
        )
        for metric, (value, numerator, denominator) in figures.items()
    ]  # fmt: skip


def add_days(tenant, count, *, last=LATEST, dimension="all", key="", scale=1):
    """`count` days of daily figures of one cut, ending with `last`."""
    rows = []
    for n in range(count):
        figures = dict(DAY_FIGURES)
        if dimension != "all" or scale != 1:
            figures["mrr"] = (Decimal("1000") * scale, None, None)
        rows += _rows(
            tenant, "day", last - datetime.timedelta(days=n), figures,
            dimension=dimension, key=key,
        )  # fmt: skip
    MetricFigure.objects.for_tenant(tenant).bulk_create(rows)


def add_months(tenant, months=12, *, skip=0):
    """Figures of `months` complete months before LATEST's month, the latest `skip` left out."""
    rows, month = [], datetime.date(LATEST.year, LATEST.month, 1)
    for n in range(skip + months):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        if n < skip:
            continue
        figures = {m: (None, None, None) for m in MONTHLY}
        figures["logo_churn_rate"] = (Decimal("0.05"), 50, 1000)
        figures["cac"] = (Decimal("1234.5"), Decimal("12345"), 10)
        figures["ltv_to_cac"] = (Decimal("3.25"), Decimal("4012.13"), Decimal("1234.5"))
        rows += _rows(tenant, "month", month, figures)
    MetricFigure.objects.for_tenant(tenant).bulk_create(rows)


def set_state(tenant, **fields):
    fields.setdefault("computed_through", LATEST)
    MetricsState.objects.for_tenant(tenant).update_or_create(tenant=tenant, defaults=fields)


@pytest.fixture
def figures(tenant):
    add_days(tenant, 90)
    add_months(tenant)
    set_state(tenant, last_run_finished_at=timezone.now())


def tile(content: str, label: str) -> str:
    """The HTML of the metric card whose label is `label`."""
    start = content.index(f'-label">{label}</h3>')
    end = content.find("<article", start)
    return content[start : end if end != -1 else None]


def every_group(client, query: str = "") -> list:
    """The page of each group of metrics (one is shown at a time): together, every metric."""
    from metrics.views.trends import GROUPS

    return [client.get(f"/metrics/?{query}{'&' if query else ''}group={g.slug}") for g in GROUPS]


def card(response, name: str):
    """The card of metric `name` in a response's context."""
    for section in response.context["sections"]:
        for found in section["cards"]:
            if found.metric.name == name:
                return found
    raise AssertionError(name)


@pytest.mark.outsider("metrics")
def test_page_shows_the_latest_figures_with_their_parts(owner_client, outsider_client, figures):
    pages = every_group(owner_client)
    assert {page.status_code for page in pages} == {200}
    content = "".join(page.content.decode() for page in pages)
    assert "Computed through" in content and "Tue 31 Mar 2026" in content
    assert "24,601" in tile(content, "MRR") and "USD" in tile(content, "MRR")
    assert "246" in tile(content, "Active accounts")
    assert "93.5%" in tile(content, "Product adoption rate")
    assert "230 of 246 active accounts" in tile(content, "Product adoption rate")
    assert "30.0%" in tile(content, "Stickiness") and "120 DAU of 400 MAU" in content
    assert "10m 50s" in tile(content, "Time in app")
    assert "USD 295,206.00 ARR ÷ 2 CSMs" in content
    assert (
        '<svg class="chart line-chart' in content and 'class="series-line series-1" d="M' in content
    )
    assert "LTV:CAC" in content and "3.2×" in content and "5.0%" in content

    other = outsider_client.get("/metrics/")
    assert other.status_code == 200
    assert "24,601" not in other.content.decode() and "No KPIs yet" in other.content.decode()


def test_undefined_figures_show_na_never_zero(owner_client, figures):
    content = owner_client.get("/metrics/").content.decode()
    ltv = tile(content, "LTV")
    assert '<span class="kpi-value na"' in ltv and ">n/a<" in ltv
    assert re.search(r">\s*0\s*<", ltv) is None
    # Monthly figures with no population are n/a too.
    assert '<td class="num na" title="Activation rate: n/a' in content


def test_tiles_and_rows_carry_their_definitions(owner_client, figures):
    content = "".join(page.content.decode() for page in every_group(owner_client))
    for metric in [*DAILY.values(), *MONTHLY.values()]:
        definition = tile(content, escape(metric.label)).split('<details class="definition">')[1]
        assert escape(metric.definition) in definition.split("</details>")[0], metric.name
        assert f'href="/metrics/definitions/#{metric.name}"' in content, metric.name
    assert "Numerator: contacts answering" not in content  # numerator and denominator in order
    assert "Numerator: promoters - detractors. Denominator: contacts answering." in content
    # The monthly table's tooltip gives numerator and denominator.
    assert "Logo churn rate: 5.0% · accounts lost: 50 · accounts active at the start: 1,000" in (
        content
    )


def test_every_metric_has_a_chart_over_the_range(owner_client, figures):
    pages = every_group(owner_client)
    names = [c.metric.name for p in pages for s in p.context["sections"] for c in s["cards"]]
    assert sorted(names) == sorted(ALL)
    # One group at a time, the first by default.
    default = owner_client.get("/metrics/").context["sections"]
    assert [s["group"].slug for s in default] == ["revenue"]
    stickiness = card(owner_client.get("/metrics/?group=usage"), "stickiness").chart
    assert len(stickiness.points) == 90 and stickiness.undefined_days == 0
    assert "30%" in [tick.label for tick in stickiness.y_ticks]
    # Each point's tooltip gives the value with its numerator and denominator.
    assert stickiness.points[-1].label == "Tue 31 Mar 2026: 30.0% = 120 DAU / 400 MAU"
    churn = card(owner_client.get("/metrics/?group=retention"), "logo_churn_rate").chart
    assert churn.points[-1].label == (
        "Feb 2026: 5.0% = 50 accounts lost / 1,000 accounts active at the start"
    )


def test_trend_chart_breaks_the_line_on_undefined_days(tenant, owner_client):
    add_days(tenant, 10)
    MetricFigure.objects.for_tenant(tenant).filter(
        metric="mrr", period=LATEST - datetime.timedelta(days=3)
    ).update(value=None)
    chart = card(owner_client.get("/metrics/"), "mrr").chart
    assert chart.line.count("M") == 2  # two runs of defined days, not a drop to zero
    assert chart.defined_days == 9 and chart.undefined_days == 81


def test_htmx_request_gets_the_figures_partial(owner_client, figures):
    response = owner_client.get("/metrics/?range=30", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.strip().startswith('<div id="trends">') and "<html" not in content
    assert 'id="kpi-filters"' in content and "Recompute past days" not in content
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in owner_client.get("/metrics/")["Vary"]
    restore = owner_client.get(
        "/metrics/?range=30", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()  # the back button gets the whole page


def test_cut_selector_shows_one_segment_or_owner(tenant, owner, owner_client, figures):
    add_days(tenant, 5, dimension="segment", key="SMB", scale=7)
    membership = Membership.objects.for_tenant(tenant).get(user=owner)
    add_days(tenant, 5, dimension="owner", key=str(membership.pk), scale=3)

    page = owner_client.get("/metrics/").content.decode()
    assert '<option value="segment:SMB">SMB</option>' in page
    assert f'<option value="owner:{membership.pk}">owner@acme.test</option>' in page

    smb = owner_client.get("/metrics/?cut=segment:SMB", HTTP_HX_REQUEST="true")
    assert "7,000" in tile(smb.content.decode(), "MRR")
    assert "24,601" not in smb.content.decode() and "SMB · " in smb.content.decode()
    mine = owner_client.get(f"/metrics/?cut=owner:{membership.pk}").content.decode()
    assert "3,000" in tile(mine, "MRR")
    assert f'<option value="owner:{membership.pk}" selected>' in mine
    # A cut with no figures is not offered and falls back to all accounts.
    unknown = owner_client.get("/metrics/?cut=segment:Nope")
    assert unknown.context["cut"].label == "All accounts"


def test_empty_state_offers_recompute_to_owners_only(owner_client, viewer_client, tenant):
    content = owner_client.get("/metrics/").content.decode()
    assert "Metrics are computed every night after your local midnight" in content
    assert "owners and admins can compute them now" in content
    assert 'action="/metrics/recompute/"' in content and 'name="since"' in content
    viewer_page = viewer_client.get("/metrics/").content.decode()
    assert "No KPIs yet" in viewer_page and 'action="/metrics/recompute/"' not in viewer_page


def test_status_line_shows_the_last_error(owner_client, viewer_client, tenant, figures):
    set_state(
        tenant,
        last_error='Traceback (most recent call last):\n  File "x"\nValueError: bad term 7',
        last_error_at=timezone.now(),
    )
    content = owner_client.get("/metrics/").content.decode()
    assert "The last run failed" in content and "ValueError: bad term 7" in content
    assert "Traceback" in content  # managers can read the details
    viewer_page = viewer_client.get("/metrics/").content.decode()
    assert "ValueError: bad term 7" in viewer_page and "Traceback" not in viewer_page


def test_nav_links_to_the_kpis(member_client):
    assert '<a href="/metrics/" aria-current="page">KPIs</a>' in (
        member_client.get("/metrics/").content.decode()
    )


def test_page_query_count_is_constant(tenant, owner, owner_client, django_assert_num_queries):
    add_days(tenant, 3)
    add_months(tenant, 2)
    owner_key = str(Membership.objects.for_tenant(tenant).get(user=owner).pk)
    add_days(tenant, 3, dimension="owner", key=owner_key)
    set_state(tenant)
    owner_client.get("/metrics/")
    with django_assert_num_queries(10):
        owner_client.get("/metrics/")
    add_days(tenant, 87, last=LATEST - datetime.timedelta(days=3))
    add_days(tenant, 87, last=LATEST - datetime.timedelta(days=3), dimension="owner", key=owner_key)
    add_months(tenant, 10, skip=2)
    with django_assert_num_queries(10):
        response = owner_client.get("/metrics/")
    assert len(card(response, "mrr").chart.points) == 90


@pytest.mark.outsider("metrics-definitions")
def test_definitions_page_lists_every_metric_and_the_settings(tenant, owner_client, outsider):
    tenant.nps_window_days = 60
    tenant.gross_margin = Decimal("0.8")
    tenant.activation_event = "Project Created"
    tenant.save()
    response = owner_client.get("/metrics/definitions/")
    assert response.status_code == 200
    content = response.content.decode()
    for metric in ALL.values():
        assert f'id="{metric.name}"' in content
        assert escape(metric.definition) in content
        if metric.has_parts:
            assert escape(metric.denominator) in content
    assert "60 days" in content and "80.0%" in content and "Project Created" in content
    assert "30 days" in content and "4 days" in content  # grace window, adoption threshold
    assert 'href="#setting-nps-window-days"' in content
    assert "Acme" in content and "Globex" not in content


def _subscription(tenant):
    with tenant_scope(tenant):
        account, _ = account_upsert(tenant=tenant, external_id="a1", name="Initech")
        subscription_upsert(
            tenant=tenant, external_id="s1", account=account, mrr=100,
            start_date=timezone.localdate() - datetime.timedelta(days=60),
        )  # fmt: skip


@pytest.mark.outsider("metrics-recompute", "metrics-recompute-job")
def test_owner_recomputes_and_watches_the_job(
    tenant, owner_client, outsider_client, django_capture_on_commit_callbacks
):
    _subscription(tenant)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    form = owner_client.get("/metrics/recompute/").context["form"]
    assert form.initial == {"since": yesterday - datetime.timedelta(days=29), "until": yesterday}

    data = {"since": yesterday - datetime.timedelta(days=4), "until": yesterday}
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/metrics/recompute/", data)
    job = RecomputeJob.objects.for_tenant(tenant).get()
    assert response.status_code == 302 and response["Location"] == f"/metrics/recompute/{job.pk}/"

    page = owner_client.get(response["Location"]).content.decode()
    assert "Done" in page and "5 of 5 days" in page and "100%" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: polling stops
    assert "active_accounts" in set(
        MetricFigure.objects.for_tenant(tenant).values_list("metric", flat=True)
    )
    assert "owner@acme.test" in owner_client.get("/metrics/recompute/").content.decode()

    assert outsider_client.get(f"/metrics/recompute/{job.pk}/").status_code == 404
    assert "owner@acme.test" not in outsider_client.get("/metrics/recompute/").content.decode()
    outsider_figures = outsider_client.get("/metrics/").content.decode()
    assert "No KPIs yet" in outsider_figures


def test_running_job_polls_its_status_part(tenant, owner, viewer_client):
    job = RecomputeJob.objects.for_tenant(tenant).create(
        tenant=tenant, since=LATEST - datetime.timedelta(days=9), until=LATEST,
        status=RecomputeJob.Status.RUNNING, days_total=10, days_done=4,
    )  # fmt: skip
    url = f"/metrics/recompute/{job.pk}/"
    response = viewer_client.get(url, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.strip().startswith('<section class="card" id="job-status"')
    assert f'hx-get="{url}" hx-trigger="every 1s"' in content
    assert '<progress class="job-progress" value="4" max="10">40%</progress>' in content
    assert "HX-Request" in response["Vary"]

    RecomputeJob.objects.for_tenant(tenant).filter(pk=job.pk).update(
        status=RecomputeJob.Status.FAILED, error="Nothing to recompute: bad range."
    )
    failed = viewer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in failed and "Nothing to recompute: bad range." in failed


def test_since_after_until_is_a_form_error(tenant, owner_client):
    response = owner_client.post(
        "/metrics/recompute/", {"since": "2026-01-10", "until": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "Must be on or before the last day." in response.content.decode()
    assert not RecomputeJob.objects.for_tenant(tenant).exists()
    missing = owner_client.post("/metrics/recompute/", {"since": "", "until": "nope"})
    assert missing.status_code == 400 and "This field is required." in missing.content.decode()


@pytest.mark.parametrize("client_name", ["member_client", "viewer_client"])
def test_only_owners_and_admins_recompute(request, tenant, client_name):
    client = request.getfixturevalue(client_name)
    response = client.post("/metrics/recompute/", {"since": "2026-01-01", "until": "2026-01-02"})
    assert response.status_code == 403
    assert not RecomputeJob.objects.for_tenant(tenant).exists()
    assert client.get("/metrics/").status_code == 200  # but every member reads the KPIs


def test_anonymous_users_are_sent_to_login(client):
    for url in ["/metrics/", "/metrics/definitions/", "/metrics/recompute/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db(transaction=True)
def test_a_recompute_is_accepted_with_the_broker_down_and_runs_once_it_is_back(
    tenant, owner_client, broker_down
):
    from tenants.models import OutboxTask
    from tenants.tenancy.outbox import outbox_relay
    from tests.conftest import broker_back

    _subscription(tenant)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {"since": yesterday - datetime.timedelta(days=2), "until": yesterday}
    response = owner_client.post("/metrics/recompute/", data)
    job = RecomputeJob.objects.for_tenant(tenant).get()
    assert response.status_code == 302 and response["Location"] == f"/metrics/recompute/{job.pk}/"
    assert job.status == RecomputeJob.Status.QUEUED
    (entry,) = OutboxTask.objects.for_tenant(tenant)
    assert entry.task_name == "metrics.tasks.run_recompute_job" and entry.sent_at is None
    assert owner_client.get(response["Location"]).status_code == 200
    with broker_back():
        assert outbox_relay().sent == 1
    job.refresh_from_db()
    assert job.status == RecomputeJob.Status.DONE and job.days_done == 3
