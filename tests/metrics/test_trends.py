"""KPI trends: the range and cut choices (bad dates are form errors), fair changes (a day
against the same weekday a week earlier, a month against the month before), the monthly
table months-as-rows, the cohorts by signup month, labelled local times and constant query
counts whatever the number of accounts and the length of the range."""

import datetime
import re
from decimal import Decimal

import pytest

from accounts.models import Account
from metrics.definitions import MONTHLY
from metrics.models import MetricFigure
from tests.metrics.test_dashboard import (
    LATEST,
    _rows,
    add_days,
    add_months,
    card,
    every_group,
    set_state,
    tile,
)

pytestmark = pytest.mark.django_db


def test_a_preset_range_ends_with_the_latest_day(owner_client, tenant):
    add_days(tenant, 400)
    set_state(tenant)
    response = owner_client.get("/metrics/?range=365")
    assert response.status_code == 200
    assert response.context["first"] == LATEST - datetime.timedelta(days=364)
    assert len(card(response, "mrr").chart.points) == 365
    content = response.content.decode()
    assert '<option value="365" selected>Last 365 days</option>' in content
    assert 'value="2025-04-01"' in content and 'value="2026-03-31"' in content
    # The default is the last 90 days.
    assert len(card(owner_client.get("/metrics/"), "mrr").chart.points) == 90


def test_a_custom_range_is_kept_in_the_url(owner_client, tenant):
    add_days(tenant, 60)
    set_state(tenant)
    response = owner_client.get(
        "/metrics/?range=custom&start=2026-03-01&end=2026-03-10&group=usage"
    )
    assert response.context["first"] == datetime.date(2026, 3, 1)
    assert response.context["last"] == datetime.date(2026, 3, 10)
    assert len(card(response, "dau").chart.points) == 10
    assert '<option value="custom" selected>' in response.content.decode()
    # Monthly charts still show a year of complete months.
    assert len(response.context["months"]) == 12


@pytest.mark.parametrize(
    "query, message",
    [
        ("range=custom&start=2026-02-30&end=2026-03-10", "Enter a valid date."),
        ("range=custom&start=yesterday&end=2026-03-10", "Enter a valid date."),
        ("range=custom&start=2026-03-10&end=2026-03-01", "The first day must not be after"),
        ("range=custom&start=2022-01-01&end=2026-03-10", "at most three years"),
        ("range=custom&start=2026-03-01", "Give both days of a custom range."),
        ("range=7", "Select a valid choice."),
        ("range=custom&start=0001-01-01&end=9999-12-31", "at most three years"),
    ],
)
def test_bad_choices_are_form_errors_never_500(owner_client, tenant, query, message):
    add_days(tenant, 5)
    set_state(tenant)
    response = owner_client.get(f"/metrics/?{query}")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content and message in content
    assert response.context["first"] == LATEST - datetime.timedelta(days=89)  # the default


def test_three_years_is_the_longest_range(owner_client, tenant):
    add_days(tenant, 3)
    set_state(tenant)
    response = owner_client.get("/metrics/?range=custom&start=2023-03-31&end=2026-03-31")
    assert response.context["filters"].is_valid()
    chart = card(response, "mrr").chart
    assert chart.defined_days + chart.undefined_days == 3 * 365 + 2  # with 29 Feb 2024
    longer = owner_client.get("/metrics/?range=custom&start=2023-03-30&end=2026-03-31")
    assert "A range can cover at most three years." in longer.content.decode()


def test_dau_change_compares_the_same_weekday_a_week_earlier(owner_client, tenant):
    """The issue's DAU +2840%: Tuesday 31 March against Sunday 1 March. Weekdays have ~30
    times the users of Sundays; the change now compares Tuesday with Tuesday."""
    add_days(tenant, 40)
    for n in range(40):
        day = LATEST - datetime.timedelta(days=n)
        dau = 5 if day.weekday() == 6 else (150 if day == LATEST else 140)
        MetricFigure.objects.for_tenant(tenant).filter(metric="dau", period=day).update(value=dau)
    set_state(tenant)
    response = owner_client.get("/metrics/?group=usage")
    change = card(response, "dau").change
    assert change.text == "+7.1%" and change.direction == "up"  # 150 vs 140, not vs 5
    assert change.against == "vs Tue 24 Mar 2026, the same weekday a week earlier"
    dau = tile(response.content.decode(), "DAU")
    assert "+2840" not in dau and "+7.1%" in dau and "the same weekday a week earlier" in dau


def test_no_change_is_shown_without_a_figure_a_week_earlier(owner_client, tenant):
    add_days(tenant, 3)
    set_state(tenant)
    assert card(owner_client.get("/metrics/?group=usage"), "dau").change is None


def test_monthly_change_compares_with_the_month_before(owner_client, tenant):
    add_days(tenant, 3)
    for month, rate in ((datetime.date(2026, 3, 1), "0.05"), (datetime.date(2026, 2, 1), "0.03")):
        MetricFigure.objects.for_tenant(tenant).bulk_create(
            _rows(tenant, "month", month, {"logo_churn_rate": (Decimal(rate), 5, 100)})
        )
    set_state(tenant)
    response = owner_client.get("/metrics/?group=retention")
    change = card(response, "logo_churn_rate").change
    assert change.text == "+2.0 pts" and change.against == "vs Feb 2026, the month before"
    assert card(response, "logo_churn_rate").headline_period == "Mar 2026"


def test_monthly_table_has_months_as_rows_and_fits_the_screen(owner_client, tenant):
    add_days(tenant, 3)
    add_months(tenant, 12)
    set_state(tenant)
    response = owner_client.get("/metrics/?range=365")
    table = response.context["table"]
    assert [row["month"] for row in table][:2] == [
        datetime.date(2026, 3, 1),
        datetime.date(2026, 2, 1),
    ]
    assert all(len(row["cells"]) == len(MONTHLY) for row in table)
    content = response.content.decode()
    monthly = content[content.index('id="monthly"') : content.index('id="cohorts"')]
    assert 'class="table-scroll sticky-first"' in monthly
    assert monthly.count('<th scope="col"') == len(MONTHLY) + 1


def test_cohorts_show_activation_and_time_to_first_value_by_signup_month(owner_client, tenant):
    add_days(tenant, 3)
    feb = datetime.date(2026, 2, 1)
    MetricFigure.objects.for_tenant(tenant).bulk_create(
        _rows(tenant, "month", feb, {
            "activation_rate": (Decimal("0.75"), 9, 12),
            "ttfv_median_days": (Decimal("6.5"), 8, 12),
            "new_accounts": (12, None, None),
        })
    )  # fmt: skip
    set_state(tenant)
    response = owner_client.get("/metrics/")
    row = next(r for r in response.context["cohorts"] if r.month == feb)
    assert (row.cohort, row.activated, row.reached_first_value) == (12, 9, 8)
    assert row.activation.text == "75.0%" and row.ttfv.text == "6.5 days"
    content = response.content.decode()
    assert 'href="/onboarding/cohorts/"' in content and "Cohorts by signup month" in content
    assert "Activation rate: 75.0% · activated accounts: 9 · accounts in the cohort: 12" in content


def test_last_run_time_is_in_the_tenant_zone_and_labelled(owner_client, tenant):
    tenant.time_zone = "Asia/Tokyo"
    tenant.save(update_fields=["time_zone"])
    add_days(tenant, 3)
    set_state(
        tenant, last_run_finished_at=datetime.datetime(2026, 4, 1, 1, 30, tzinfo=datetime.UTC)
    )
    content = owner_client.get("/metrics/").content.decode()
    assert "last run at Apr 1, 2026, 10:30 (Asia/Tokyo time)" in content


def test_htmx_change_of_range_swaps_the_trends_and_keeps_the_choices(owner_client, tenant):
    add_days(tenant, 40)
    set_state(tenant)
    response = owner_client.get("/metrics/?range=30&group=usage", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.strip().startswith('<div id="trends">')
    assert (
        'hx-push-url="true"' in content
        and '<input type="hidden" name="group" value="usage">' in (content)
    )
    assert [s["group"].slug for s in response.context["sections"]] == ["usage"]
    # Each group is a tab that keeps the range and the cut; the chosen one is marked.
    assert 'href="/metrics/?range=30&amp;group=revenue"' in content
    assert re.search(r'id="kpi-group-usage" href="[^"]*"[^>]*aria-current="page"', content)
    # An unknown group shows the first group rather than failing.
    sections = owner_client.get("/metrics/?group=nope").context["sections"]
    assert [s["group"].slug for s in sections] == ["revenue"]


def test_one_group_of_metrics_keeps_a_year_light(owner_client, tenant):
    """A year of every chart with its table weighed 1.2 MB; a group is a fraction of it."""
    add_days(tenant, 365)
    add_months(tenant, 12)
    set_state(tenant)
    sizes = [len(page.content) for page in every_group(owner_client, "range=365")]
    assert max(sizes) < sum(sizes) / 2


def _accounts(tenant, count):
    Account.objects.for_tenant(tenant).bulk_create(
        [Account(tenant=tenant, external_id=f"a{n}", name=f"Account {n}") for n in range(count)]
    )


def test_query_count_is_constant_in_accounts_and_range(
    tenant, owner_client, django_assert_num_queries
):
    _accounts(tenant, 10)
    add_days(tenant, 30)
    add_months(tenant, 1)
    set_state(tenant)
    owner_client.get("/metrics/?range=30")
    with django_assert_num_queries(9):
        owner_client.get("/metrics/?range=30")
    Account.objects.for_tenant(tenant).bulk_create(
        [Account(tenant=tenant, external_id=f"b{n}", name=f"B {n}") for n in range(990)]
    )
    add_days(tenant, 335, last=LATEST - datetime.timedelta(days=30))
    add_months(tenant, 11, skip=1)
    with django_assert_num_queries(9):
        response = owner_client.get("/metrics/?range=365")
    assert Account.objects.for_tenant(tenant).count() == 1000
    assert len(card(response, "mrr").chart.points) == 365
    assert response.context["table"][1]["cells"][0].text == "5.0%"


def test_a_preset_wins_over_the_days_the_form_also_sends(owner_client, tenant):
    add_days(tenant, 60)
    set_state(tenant)
    response = owner_client.get("/metrics/?range=30&start=2026-01-01&end=2026-03-31")
    assert response.context["first"] == LATEST - datetime.timedelta(days=29)
    # Days without a preset are a custom range.
    response = owner_client.get("/metrics/?start=2026-03-01&end=2026-03-31")
    assert response.context["first"] == datetime.date(2026, 3, 1)


@pytest.mark.parametrize("start, end", [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-03")])
def test_days_far_from_the_figures_are_a_form_error_not_a_failure(owner_client, tenant, start, end):
    add_days(tenant, 3)
    set_state(tenant)
    response = owner_client.get(f"/metrics/?range=custom&start={start}&end={end}")
    assert response.status_code == 200
    assert "Choose days from 1970 to a year after the latest computed day." in (
        response.content.decode()
    )
