"""Feature catalog, churn reasons and records, acquisition spend by API."""

from decimal import Decimal

import pytest

from accounts.services.accounts import account_upsert
from metrics.models import AcquisitionSpend, ChurnRecord, Feature
from metrics.services.churn_reasons import churn_reasons_ensure_defaults

pytestmark = pytest.mark.django_db


@pytest.mark.outsider("feature-list", "feature-detail")
def test_feature_upsert_by_event_name(api, outsider_api, tenant):
    body = {"event_name": "Report Exported", "feature": "Reporting", "is_core": True}
    assert api.post("/api/v1/features/", body).status_code == 201
    assert api.post("/api/v1/features/", {**body, "is_core": False}).status_code == 200
    put = api.put("/api/v1/features/Dashboard Viewed/", {"feature": "Dashboards"})
    assert put.status_code == 201
    assert Feature.objects.for_tenant(tenant).count() == 2
    assert not Feature.objects.for_tenant(tenant).get(event_name="Report Exported").is_core
    assert outsider_api.get("/api/v1/features/").json()["results"] == []
    assert outsider_api.get("/api/v1/features/Report Exported/").status_code == 404


def test_feature_bad_input(api, tenant):
    response = api.post("/api/v1/features/", {"event_name": "", "is_core": "perhaps"})
    assert response.status_code == 400
    assert {"event_name", "feature", "is_core"} <= set(response.json()["error"]["fields"])


@pytest.mark.outsider("churn-reason-list", "churn-reason-detail")
def test_churn_reasons_default_taxonomy(api, outsider_api, tenant, other_tenant):
    churn_reasons_ensure_defaults(tenant=tenant)
    keys = {r["key"] for r in api.get("/api/v1/churn-reasons/").json()["results"]}
    assert keys == {
        "competitor", "value_not_realised", "budget", "out_of_business", "product_gap", "other"
    }  # fmt: skip
    assert outsider_api.get("/api/v1/churn-reasons/").json()["results"] == []
    assert outsider_api.get("/api/v1/churn-reasons/budget/").status_code == 404


@pytest.mark.outsider("churn-record-list", "churn-record-detail")
def test_churn_record_create_reason_and_outsider(api, outsider_api, tenant):
    churn_reasons_ensure_defaults(tenant=tenant)
    account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    payload = {"account_external_id": "acc-1", "churned_on": "2026-10-01", "reason": "budget"}
    created = api.post("/api/v1/churn-records/", payload)
    assert created.status_code == 201, created.json()
    record_id = created.json()["id"]
    duplicate = api.post("/api/v1/churn-records/", payload)
    assert duplicate.status_code == 400 and "churned_on" in duplicate.json()["error"]["fields"]
    patched = api.patch(
        f"/api/v1/churn-records/{record_id}/", {"reason": "competitor", "note": "Went to X"}
    )
    assert patched.status_code == 200 and patched.json()["reason"] == "competitor"
    bad = api.patch(f"/api/v1/churn-records/{record_id}/", {"reason": "aliens"})
    assert bad.status_code == 400 and "reason" in bad.json()["error"]["fields"]
    assert outsider_api.get(f"/api/v1/churn-records/{record_id}/").status_code == 404
    assert (
        outsider_api.patch(f"/api/v1/churn-records/{record_id}/", {"note": "x"}).status_code == 404
    )
    assert ChurnRecord.objects.for_tenant(tenant).get().note == "Went to X"


@pytest.mark.outsider("spend-list", "spend-detail")
def test_spend_upsert_by_month(api, outsider_api, tenant):
    assert api.post("/api/v1/spend/", {"month": "2026-03", "amount": "12000.50"}).status_code == 201
    assert api.put("/api/v1/spend/2026-03/", {"amount": "13000"}).status_code == 200
    spend = AcquisitionSpend.objects.for_tenant(tenant).get()
    assert spend.amount == Decimal("13000") and spend.currency == "USD"
    assert api.get("/api/v1/spend/2026-03/").json()["month"] == "2026-03"
    assert outsider_api.get("/api/v1/spend/2026-03/").status_code == 404
    assert outsider_api.get("/api/v1/spend/").json()["results"] == []


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"month": "2026-13", "amount": "1"}, "month"),
        ({"month": "March", "amount": "1"}, "month"),
        ({"month": "2026-03", "amount": "-5"}, "amount"),
        ({"month": "2026-03"}, "amount"),
    ],
)
def test_spend_bad_input(api, tenant, payload, field):
    response = api.post("/api/v1/spend/", payload)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert AcquisitionSpend.objects.for_tenant(tenant).count() == 0


def test_catalog_lists_query_counts(api, tenant, django_assert_num_queries):
    churn_reasons_ensure_defaults(tenant=tenant)
    account, _ = account_upsert(tenant=tenant, external_id="a", name="A")
    for n in range(3):
        api.post("/api/v1/features/", {"event_name": f"e{n}", "feature": "f"})
        api.post("/api/v1/spend/", {"month": f"2026-0{n + 1}", "amount": "1"})
        api.post(
            "/api/v1/churn-records/",
            {"account_external_id": "a", "churned_on": f"2026-0{n + 1}-01"},
        )
    for url in ["features", "spend", "churn-records", "churn-reasons"]:
        api.get(f"/api/v1/{url}/")
        with django_assert_num_queries(2):
            assert api.get(f"/api/v1/{url}/").status_code == 200


@pytest.mark.parametrize("month", ["0000-01", "2026-13", "2026-00", "10000-01"])
def test_a_month_that_is_no_month_is_a_400_or_404_never_a_500(api, month):
    assert api.get(f"/api/v1/spend/{month}/").status_code in (400, 404)
    response = api.post("/api/v1/spend/", {"month": month, "amount": "1.00"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["month"] == ["Use the form YYYY-MM, e.g. 2026-03."]
