"""Daily and monthly KPI figures by API: rendering, ranges, cuts, errors and the tenant boundary."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services.accounts import account_upsert, subscription_upsert
from metrics.definitions import DAILY, MONTHLY
from metrics.models import MetricFigure
from metrics.services.recompute import metrics_backfill
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db

DAILY_URL = "/api/v1/metrics/daily/"
MONTHLY_URL = "/api/v1/metrics/monthly/"


def _store(tenant, rows):
    """rows: (period, metric, value, numerator, denominator[, grain, dimension, key])."""
    figures = []
    for row in rows:
        period, metric, value, numerator, denominator, *cut = row
        grain, dimension, key = (*cut, *("day", "all", "")[len(cut) :])
        figures.append(
            MetricFigure(
                tenant=tenant,
                grain=grain,
                period=period,
                dimension=dimension,
                key=key,
                metric=metric,
                value=None if value is None else Decimal(value),
                numerator=None if numerator is None else Decimal(numerator),
                denominator=None if denominator is None else Decimal(denominator),
                computed_at=timezone.now(),
            )
        )
    MetricFigure.objects.for_tenant(tenant).bulk_create(figures)


def _days(tenant, first: date, count: int, metric="active_accounts", value="10", **cut):
    key = (cut.get("grain", "day"), cut.get("dimension", "all"), cut.get("key", ""))
    _store(
        tenant,
        [(first + timedelta(days=n), metric, value, None, None, *key) for n in range(count)],
    )


def _months(tenant, first: date, count: int, metric="new_accounts", value="3"):
    months = []
    for n in range(count):
        index = first.year * 12 + first.month - 1 + n
        months.append((date(index // 12, index % 12 + 1, 1), metric, value, None, None, "month"))
    _store(tenant, months)


def _fields(response):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    return error["fields"]


def test_daily_row_renders_every_metric_in_api_units(api, tenant):
    day = date(2026, 1, 31)
    _store(
        tenant,
        [
            (day, "active_accounts", "412", None, None),
            (day, "mrr", "1234.5", None, None),
            (day, "arpu", "617.25", "1234.50", "2"),
            (day, "stickiness", "0.05", "50", "1000"),
            (day, "ltv", None, "617.25", None),  # no churn observed: undefined, not 0
            (day, "nps", "-12", "-3", "25"),
        ],
    )
    body = api.get(DAILY_URL, {"from": "2026-01-31", "to": "2026-01-31"}).json()
    assert {k: body[k] for k in ("from", "to", "dimension", "key", "currency")} == {
        "from": "2026-01-31", "to": "2026-01-31", "dimension": "all", "key": "", "currency": "USD"
    }  # fmt: skip
    [row] = body["results"]
    assert set(row) == {"date", *DAILY}
    assert row["date"] == "2026-01-31"
    assert row["active_accounts"] == {"value": 412, "numerator": None, "denominator": None}
    assert row["mrr"] == {"value": "1234.50", "numerator": None, "denominator": None}
    assert row["arpu"] == {"value": "617.25", "numerator": "1234.50", "denominator": 2}
    assert row["stickiness"] == {"value": 0.05, "numerator": 50, "denominator": 1000}
    assert row["ltv"] == {"value": None, "numerator": "617.25", "denominator": None}
    assert row["nps"] == {"value": -12, "numerator": -3, "denominator": 25}
    # A metric with no stored figure is still in the row, with null parts.
    assert row["dau"] == {"value": None, "numerator": None, "denominator": None}


def test_monthly_rows_oldest_first_with_ratio_parts(api, tenant):
    _store(
        tenant,
        [
            (date(2026, 2, 1), "logo_churn_rate", "0.05", "50", "1000", "month"),
            (date(2026, 1, 1), "logo_churn_rate", None, "0", "0", "month"),
            (date(2026, 1, 1), "cac", "1216.67", "18250", "15", "month"),
            (date(2026, 1, 1), "new_accounts", "15", None, None, "month"),
        ],
    )
    body = api.get(MONTHLY_URL, {"from": "2026-01", "to": "2026-02"}).json()
    assert (body["from"], body["to"]) == ("2026-01", "2026-02")
    assert [row["month"] for row in body["results"]] == ["2026-01", "2026-02"]
    january, february = body["results"]
    assert set(january) == {"month", *MONTHLY}
    assert january["logo_churn_rate"] == {"value": None, "numerator": 0, "denominator": 0}
    assert january["cac"] == {"value": "1216.67", "numerator": "18250.00", "denominator": 15}
    assert january["new_accounts"]["value"] == 15
    assert february["logo_churn_rate"] == {"value": 0.05, "numerator": 50, "denominator": 1000}
    assert february["cac"]["value"] is None


def test_only_computed_periods_in_the_range_appear(api, tenant):
    _days(tenant, date(2026, 1, 1), 3)
    _days(tenant, date(2026, 1, 10), 2)
    body = api.get(DAILY_URL, {"from": "2026-01-02", "to": "2026-01-10"}).json()
    assert [row["date"] for row in body["results"]] == ["2026-01-02", "2026-01-03", "2026-01-10"]


def test_daily_default_is_the_last_30_days_up_to_the_latest_computed_day(api, tenant):
    _days(tenant, date(2026, 1, 1), 45)  # through 2026-02-14
    body = api.get(DAILY_URL).json()
    assert (body["from"], body["to"]) == ("2026-01-16", "2026-02-14")
    dates = [row["date"] for row in body["results"]]
    assert len(dates) == 30 and dates[0] == "2026-01-16" and dates[-1] == "2026-02-14"
    # With `to` alone, the 30 days before it; with `from` alone, up to the latest day.
    only_to = api.get(DAILY_URL, {"to": "2026-01-31"}).json()
    assert (only_to["from"], len(only_to["results"])) == ("2026-01-02", 30)
    only_from = api.get(DAILY_URL, {"from": "2026-02-10"}).json()
    assert (only_from["to"], len(only_from["results"])) == ("2026-02-14", 5)
    not_yet = api.get(DAILY_URL, {"from": "2026-03-01"}).json()
    assert (not_yet["from"], not_yet["to"], not_yet["results"]) == ("2026-03-01", "2026-03-01", [])


def test_monthly_default_is_the_last_12_months(api, tenant):
    _months(tenant, date(2025, 1, 1), 15)  # through 2026-03
    body = api.get(MONTHLY_URL).json()
    assert (body["from"], body["to"]) == ("2025-04", "2026-03")
    assert [row["month"] for row in body["results"]][::11] == ["2025-04", "2026-03"]
    assert len(body["results"]) == 12


def test_nothing_computed_yet(api, tenant):
    for url in (DAILY_URL, MONTHLY_URL):
        body = api.get(url).json()
        assert body["results"] == [] and body["from"] is None and body["to"] is None


def test_segment_and_owner_cuts(api, tenant, member):
    membership = Membership.objects.for_tenant(tenant).get(user=member)
    day = date(2026, 1, 31)
    _store(
        tenant,
        [
            (day, "mrr", "3000", None, None),
            (day, "mrr", "1000", None, None, "day", "segment", "SMB"),
            (day, "mrr", "2000", None, None, "day", "segment", "Enterprise"),
            (day, "mrr", "2500", None, None, "day", "owner", str(membership.pk)),
        ],
    )
    query = {"from": "2026-01-31", "to": "2026-01-31"}
    whole = api.get(DAILY_URL, query).json()
    assert whole["results"][0]["mrr"]["value"] == "3000.00"
    smb = api.get(DAILY_URL, {**query, "segment": "SMB"}).json()
    assert (smb["dimension"], smb["key"]) == ("segment", "SMB")
    assert smb["results"][0]["mrr"]["value"] == "1000.00"
    owned = api.get(DAILY_URL, {**query, "owner": membership.pk}).json()
    assert (owned["dimension"], owned["key"]) == ("owner", str(membership.pk))
    assert owned["results"][0]["mrr"]["value"] == "2500.00"


def test_a_member_with_no_owned_accounts_gets_empty_results(api, tenant, viewer):
    _days(tenant, date(2026, 1, 1), 3)
    membership = Membership.objects.for_tenant(tenant).get(user=viewer)
    body = api.get(DAILY_URL, {"owner": membership.pk}).json()
    assert body["results"] == [] and body["key"] == str(membership.pk)


@pytest.mark.parametrize(
    "url, query, field",
    [
        (DAILY_URL, {"from": "2026-02-01", "to": "2026-01-31"}, "from"),
        (DAILY_URL, {"from": "31/01/2026"}, "from"),
        (DAILY_URL, {"to": "2026-02-30"}, "to"),
        (DAILY_URL, {"from": "2025-01-01", "to": "2026-01-02"}, "from"),  # 367 days
        (DAILY_URL, {"form": "2026-01-01"}, "form"),
        (DAILY_URL, {"segment": "SMB", "owner": "1"}, "segment"),
        (DAILY_URL, {"segment": "SMB", "owner": "1"}, "owner"),
        (DAILY_URL, {"owner": "not-a-number"}, "owner"),
        (DAILY_URL, {"owner": "999999999"}, "owner"),
        (DAILY_URL, {"segment": "Nobody"}, "segment"),
        (MONTHLY_URL, {"from": "2026-03", "to": "2026-01"}, "from"),
        (MONTHLY_URL, {"from": "2026-13"}, "from"),
        (MONTHLY_URL, {"to": "0000-01"}, "to"),
        (MONTHLY_URL, {"to": "2026-01-01"}, "to"),
        (MONTHLY_URL, {"from": "2016-01", "to": "2026-01"}, "from"),  # 121 months
        (MONTHLY_URL, {"page_size": "5"}, "page_size"),
    ],
)
def test_bad_queries_are_400_naming_the_field(api, tenant, url, query, field):
    _days(tenant, date(2026, 1, 1), 3, dimension="segment", key="SMB")
    assert field in _fields(api.get(url, query))


def test_a_parameter_given_twice_is_refused(api, tenant):
    assert "from" in _fields(api.get(f"{DAILY_URL}?from=2026-01-01&from=2026-01-02"))


def test_the_largest_ranges_are_accepted(api, tenant):
    daily = api.get(DAILY_URL, {"from": "2025-01-02", "to": "2026-01-02"})  # 366 days
    assert daily.status_code == 200
    monthly = api.get(MONTHLY_URL, {"from": "2016-02", "to": "2026-01"})  # 120 months
    assert monthly.status_code == 200


@pytest.mark.outsider("metrics-daily", "metrics-monthly")
def test_another_tenants_key_sees_none_of_the_figures(api, outsider_api, tenant, member):
    membership = Membership.objects.for_tenant(tenant).get(user=member)
    _days(tenant, date(2026, 1, 1), 5)
    _days(tenant, date(2026, 1, 1), 5, dimension="segment", key="SMB")
    _days(tenant, date(2026, 1, 1), 5, dimension="owner", key=str(membership.pk))
    _months(tenant, date(2025, 6, 1), 6)
    assert len(api.get(DAILY_URL).json()["results"]) == 5

    assert outsider_api.get(DAILY_URL).json()["results"] == []
    assert outsider_api.get(MONTHLY_URL).json()["results"] == []
    ranged = outsider_api.get(DAILY_URL, {"from": "2026-01-01", "to": "2026-01-31"})
    assert ranged.status_code == 200 and ranged.json()["results"] == []
    # The tenant's member and segment do not exist for the outsider: answered exactly as
    # an id or a name that exists nowhere.
    foreign = outsider_api.get(DAILY_URL, {"owner": membership.pk})
    unknown = outsider_api.get(DAILY_URL, {"owner": 999999999})
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json() == unknown.json()
    assert "segment" in _fields(outsider_api.get(MONTHLY_URL, {"segment": "SMB"}))
    assert "segment" in _fields(outsider_api.get(DAILY_URL, {"segment": "SMB"}))


def test_read_only_for_members_and_keys(api, viewer_client, tenant):
    _days(tenant, date(2026, 1, 1), 2)
    response = viewer_client.get(DAILY_URL)
    assert response.status_code == 200 and len(response.json()["results"]) == 2
    assert api.post(DAILY_URL, {}).status_code == 405
    assert APIClient().get(DAILY_URL).status_code in (401, 403)


@pytest.mark.parametrize("days", [1, 366])
def test_query_count_does_not_grow_with_the_range(
    api, tenant, member, days, django_assert_num_queries
):
    membership = Membership.objects.for_tenant(tenant).get(user=member)
    first = date(2025, 1, 1)
    for metric in ("active_accounts", "mrr", "stickiness"):
        _days(tenant, first, days, metric=metric)
        _days(tenant, first, days, metric=metric, dimension="owner", key=str(membership.pk))
    last = first + timedelta(days=days - 1)
    query = {"from": first.isoformat(), "to": last.isoformat()}
    api.get(DAILY_URL)  # the key's first use stamps its last_used_at
    # The API key with its tenant, then the figures.
    with django_assert_num_queries(2):
        assert len(api.get(DAILY_URL, query).json()["results"]) == days
    # An owner cut adds the membership check, the default range the latest computed day.
    with django_assert_num_queries(4):
        body = api.get(DAILY_URL, {"owner": membership.pk}).json()
    assert len(body["results"]) == min(days, 30)


def test_engine_figures_read_through_the_api(api, tenant):
    with tenant_scope(tenant):
        first, _ = account_upsert(tenant=tenant, external_id="a-1", name="Initech", segment="SMB")
        second, _ = account_upsert(tenant=tenant, external_id="a-2", name="Globex", segment="SMB")
        subscription_upsert(
            tenant=tenant,
            external_id="s-1",
            account=first,
            mrr=Decimal("499.00"),
            start_date=date(2026, 1, 1),
        )
        subscription_upsert(
            tenant=tenant,
            external_id="s-2",
            account=second,
            mrr=Decimal("1000.50"),
            start_date=date(2026, 1, 15),
            end_date=date(2026, 3, 1),
        )
    metrics_backfill(
        tenant=tenant,
        since=date(2026, 1, 1),
        until=date(2026, 2, 28),
        now=datetime(2026, 3, 1, 12, tzinfo=UTC),
    )

    daily = api.get(DAILY_URL, {"from": "2026-01-14", "to": "2026-01-15"}).json()
    before, after = daily["results"]
    assert before["active_accounts"]["value"] == 1
    assert before["mrr"]["value"] == "499.00" and before["arr"]["value"] == "5988.00"
    assert after["active_accounts"]["value"] == 2
    assert after["mrr"]["value"] == "1499.50"
    assert after["arpu"] == {"value": "749.75", "numerator": "1499.50", "denominator": 2}
    # No contacts, so no events: a ratio over nobody is undefined, not 0.
    assert after["stickiness"]["value"] is None

    smb = api.get(DAILY_URL, {"from": "2026-01-15", "to": "2026-01-15", "segment": "SMB"}).json()
    assert smb["results"][0]["mrr"]["value"] == "1499.50"

    monthly = api.get(MONTHLY_URL, {"from": "2026-01", "to": "2026-02"}).json()
    january, february = monthly["results"]
    assert january["new_accounts"]["value"] == 2
    assert february["new_accounts"]["value"] == 0
    # Globex's term ends on 1 March (exclusive) with no renewal: lost in February.
    assert february["logo_churn_rate"] == {"value": 0.5, "numerator": 1, "denominator": 2}
    assert february["churned_accounts"]["value"] == 1
    assert january["logo_churn_rate"] == {"value": 0.0, "numerator": 0, "denominator": 1}
