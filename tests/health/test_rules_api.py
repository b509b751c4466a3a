"""The alert rules API: every member reads, owners and admins switch and tune, bad settings
answer 400 naming the field, and outsiders see none of another tenant's rules."""

import pytest

from health.models import AlertRule
from tenants.tenancy.context import tenant_scope
from tests.conftest import session_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(owner):
    return session_api(owner)


def _rule(api, kind):
    rules = api.get("/api/v1/alert-rules/").json()["results"]
    return next(r for r in rules if r["kind"] == kind)


@pytest.mark.outsider("alert-rule-list", "alert-rule-detail")
def test_owners_tune_rules_and_outsiders_see_none(owner_api, outsider, tenant):
    listed = owner_api.get("/api/v1/alert-rules/").json()["results"]
    assert [r["kind"] for r in listed] == [
        "band_dropped", "score_fell", "usage_down", "nps_detractor", "renewal_at_risk",
        "no_activity", "onboarding_stalled",
    ]  # fmt: skip
    fell = listed[1]
    assert fell["parameters"] == ["points", "window_days"] and fell["percent"] is None
    url = f"/api/v1/alert-rules/{fell['id']}/"
    patched = owner_api.patch(url, {"points": 20, "window_days": 14, "enabled": False})
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["points"], patched.json()["enabled"]) == (20, False)
    put = owner_api.put(
        url,
        {"name": "Score slipping", "points": 10, "window_days": 7, "priority": "high",
         "due_days": 1, "enabled": True},
        format="json",
    )  # fmt: skip
    assert put.status_code == 200 and put.json()["name"] == "Score slipping"
    with tenant_scope(tenant):
        saved = AlertRule.objects.get(pk=fell["id"])
    assert (saved.points, saved.priority, saved.due_days) == (10, "high", 1)
    # Neither created nor deleted: one rule of each kind.
    assert owner_api.post("/api/v1/alert-rules/", {"kind": "score_fell"}).status_code == 405
    assert owner_api.delete(url).status_code == 405

    outsider_api = session_api(outsider)
    assert outsider_api.get(url).status_code == 404
    assert outsider_api.patch(url, {"enabled": False}).status_code == 404
    theirs = outsider_api.get("/api/v1/alert-rules/").json()["results"]
    assert fell["id"] not in {r["id"] for r in theirs}
    with tenant_scope(tenant):
        assert AlertRule.objects.get(pk=fell["id"]).enabled is True


@pytest.mark.parametrize(
    "kind, body, field",
    [
        ("score_fell", {"points": -5}, "points"),
        ("score_fell", {"window_days": -7}, "window_days"),
        ("score_fell", {"window_days": None}, "window_days"),
        ("usage_down", {"percent": -30}, "percent"),
        ("usage_down", {"percent": 250}, "percent"),
        ("usage_down", {"days": 5}, "days"),
        ("no_activity", {"days": -1}, "days"),
        ("renewal_at_risk", {"days": "soon"}, "days"),
        ("nps_detractor", {"max_score": 12}, "max_score"),
        ("band_dropped", {"due_days": -2}, "due_days"),
        ("band_dropped", {"priority": "urgent"}, "priority"),
        ("band_dropped", {"name": ""}, "name"),
        ("band_dropped", {"kind": "no_activity"}, "kind"),
        ("band_dropped", {"tenant": 1}, "tenant"),
    ],
)
def test_bad_settings_answer_400_naming_the_field(owner_api, kind, body, field):
    rule = _rule(owner_api, kind)
    response = owner_api.patch(f"/api/v1/alert-rules/{rule['id']}/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert _rule(owner_api, kind) == rule


def test_csms_viewers_and_api_keys_read_but_do_not_change_rules(member, viewer, api, owner_api):
    rule = _rule(owner_api, "no_activity")
    url = f"/api/v1/alert-rules/{rule['id']}/"
    for client in (session_api(member), session_api(viewer), api):
        assert client.get(url).json()["days"] == 14
        assert client.patch(url, {"days": 30}).status_code == 403
    assert _rule(owner_api, "no_activity")["days"] == 14


def test_listing_rules_costs_a_constant_number_of_queries(owner_api, django_assert_max_num_queries):
    owner_api.get("/api/v1/alert-rules/")
    with django_assert_max_num_queries(8):
        assert len(owner_api.get("/api/v1/alert-rules/").json()["results"]) == 7
