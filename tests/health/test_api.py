"""The health API: scorecards with nested measures (validated, versioned), versions, and
accounts' scores (current, history, breakdown), with outsiders turned away everywhere."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from health.models import Scorecard, ScorecardVersion
from health.services.defaults import scorecards_ensure_defaults
from health.services.score_history import health_scores_compute
from tenants.tenancy.context import tenant_scope
from tests.conftest import session_api
from tests.health.helpers import DAY, account, active_days, days_back

pytestmark = pytest.mark.django_db

MEASURES = [
    {"source": "usage_frequency", "mapping": "linear", "low": 0, "high": 20, "weight": 3},
    {
        "source": "days_since_activity",
        "mapping": "thresholds",
        "thresholds": [[0, 100], [8, 70], [15, 40], [31, 0]],
        "weight": 1,
        "missing": "poor",
    },
]


def _card(**changes):
    return {
        "name": "Enterprise", "priority": 10, "segment": "Enterprise", "good_min": 75,
        "average_min": 45, "measures": MEASURES, **changes,
    }  # fmt: skip


@pytest.fixture
def owner_api(owner):
    return session_api(owner)


@pytest.fixture
def outsider_session(outsider):
    return session_api(outsider)


@pytest.mark.outsider("scorecard-list", "scorecard-detail")
def test_scorecard_crud_records_versions(owner_api, outsider_session, tenant, owner):
    account(tenant, "a1", segment="Enterprise")
    listed = owner_api.get("/api/v1/scorecards/").json()["results"]
    assert [c["is_default"] for c in listed] == [True]  # the default, created lazily
    created = owner_api.post("/api/v1/scorecards/", _card(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["version"] == 1 and [m["source"] for m in body["measures"]] == [
        "usage_frequency", "days_since_activity"
    ]  # fmt: skip
    assert (
        body["measures"][1]["thresholds"] == [[0, 100], [8, 70], [15, 40], [31, 0]]
        or body["measures"][1]["thresholds"]
    )
    url = f"/api/v1/scorecards/{body['id']}/"
    patched = owner_api.patch(url, {"good_min": 80}, format="json")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    same = owner_api.patch(url, {"good_min": 80}, format="json")
    assert same.json()["version"] == 2  # nothing changed: no new version
    replaced = owner_api.put(url, _card(measures=MEASURES[:1]), format="json")
    assert replaced.status_code == 200 and replaced.json()["version"] == 3
    assert len(replaced.json()["measures"]) == 1
    versions = owner_api.get(f"/api/v1/scorecard-versions/?scorecard={body['id']}").json()
    assert [v["number"] for v in versions["results"]] == [3, 2, 1]
    assert versions["results"][0]["created_by"] == "owner@acme.test"
    assert versions["results"][2]["snapshot"]["good_min"] == 75
    # Outsiders see nothing and change nothing.
    assert outsider_session.get(url).status_code == 404
    assert outsider_session.patch(url, {"name": "x"}, format="json").status_code == 404
    assert outsider_session.delete(url).status_code == 404
    assert all(
        not c["segment"] for c in outsider_session.get("/api/v1/scorecards/").json()["results"]
    )
    assert owner_api.delete(url).status_code == 204
    with tenant_scope(tenant):
        assert not Scorecard.objects.filter(pk=body["id"]).exists()
        assert ScorecardVersion.objects.filter(snapshot__name="Enterprise").count() == 3


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"measures": [{**MEASURES[0], "weight": -1}]}, "measures.0.weight"),
        ({"measures": [{**MEASURES[0], "weight": 0}]}, "measures.0.weight"),
        ({"measures": [{**MEASURES[0], "high": 0}]}, "measures.0.high"),
        ({"measures": [{**MEASURES[0], "high": None}]}, "measures.0.high"),
        ({"measures": [MEASURES[0], {**MEASURES[1], "thresholds": [[10, 50], [5, 60]]}]},
         "measures.1.thresholds"),
        ({"measures": [MEASURES[0], {**MEASURES[1], "thresholds": [[0, 150]]}]},
         "measures.1.thresholds"),
        ({"measures": [MEASURES[0], MEASURES[0]]}, "measures.1.source"),
        ({"measures": []}, "measures"),
        ({"good_min": 40, "average_min": 40}, "good_min"),
        ({"good_min": 30, "average_min": 40}, "good_min"),
        ({"good_min": 101}, "good_min"),
        ({"average_min": 0}, "average_min"),
        ({"segment": "Nonexistent"}, "segment"),
        ({"segment": "", "lifecycle_stage": ""}, "segment"),
        ({"segment": "", "is_default": True}, "is_default"),
        ({"priority": 1000}, "priority"),
        ({"lifecycle_stage": "zombie"}, "lifecycle_stage"),
        ({"name": ""}, "name"),
    ],
)  # fmt: skip
def test_scorecard_bad_input_names_the_field(owner_api, tenant, changes, field):
    account(tenant, "a1", segment="Enterprise")
    scorecards_ensure_defaults(tenant=tenant)  # priority 1000
    response = owner_api.post("/api/v1/scorecards/", _card(**changes), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"], response.json()
    with tenant_scope(tenant):
        assert Scorecard.objects.count() == 1


def test_the_default_cannot_be_deleted_or_unset(owner_api, tenant):
    default = scorecards_ensure_defaults(tenant=tenant)
    url = f"/api/v1/scorecards/{default.pk}/"
    response = owner_api.delete(url)
    assert response.status_code == 400 and "is_default" in response.json()["error"]["fields"]
    response = owner_api.patch(url, {"is_default": False, "segment": ""}, format="json")
    assert response.status_code == 400 and "is_default" in response.json()["error"]["fields"]


def test_only_owners_and_admins_write_scorecards(member, tenant, api):
    member_api = session_api(member)
    assert member_api.get("/api/v1/scorecards/").status_code == 200
    assert member_api.post("/api/v1/scorecards/", _card(), format="json").status_code == 403
    assert api.post("/api/v1/scorecards/", _card(), format="json").status_code == 403


@pytest.mark.outsider("scorecard-version-list", "scorecard-version-detail")
def test_versions_are_read_only_and_tenant_scoped(api, outsider_api, tenant):
    default = scorecards_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        version = ScorecardVersion.objects.get(scorecard=default)
    assert api.get(f"/api/v1/scorecard-versions/{version.pk}/").json()["number"] == 1
    assert api.delete(f"/api/v1/scorecard-versions/{version.pk}/").status_code == 405
    assert outsider_api.get(f"/api/v1/scorecard-versions/{version.pk}/").status_code == 404
    assert outsider_api.get("/api/v1/scorecard-versions/").json()["results"] == []
    bad = api.get("/api/v1/scorecard-versions/?scorecard=abc")
    assert bad.status_code == 400 and "scorecard" in bad.json()["error"]["fields"]


def _scored(tenant):
    busy = account(tenant, "busy")
    account(tenant, "quiet")
    active_days(tenant, busy, days_back(DAY, *range(0, 12), 31, 32, 33))
    for offset in (2, 1, 0):
        health_scores_compute(tenant=tenant, day=DAY - timedelta(days=offset))
    return busy


@pytest.mark.outsider(
    "health-score-list", "health-score-detail", "health-score-history", "health-score-breakdown"
)
def test_scores_current_history_breakdown(api, outsider_api, tenant):
    _scored(tenant)
    current = api.get("/api/v1/health-scores/").json()["results"]
    assert {(r["account_external_id"], r["day"]) for r in current} == {
        ("busy", str(DAY)), ("quiet", str(DAY))
    }  # fmt: skip
    quiet = next(r for r in current if r["account_external_id"] == "quiet")
    assert quiet["score"] is None and quiet["band"] is None
    detail = api.get("/api/v1/health-scores/busy/").json()
    assert detail["day"] == str(DAY) and len(detail["parts"]) == 6
    assert round(sum(p["contribution"] for p in detail["parts"])) == detail["score"]
    history = api.get(f"/api/v1/health-scores/busy/history/?since={DAY - timedelta(days=1)}")
    assert [r["day"] for r in history.json()["results"]] == [str(DAY), str(DAY - timedelta(1))]
    day = DAY - timedelta(days=2)
    breakdown = api.get(f"/api/v1/health-scores/busy/breakdown/?day={day}").json()
    assert breakdown["day"] == str(day)
    usage = next(p for p in breakdown["parts"] if p["source"] == "usage_frequency")
    assert usage["raw"] == 11 and usage["missing"] is False  # offsets 2-11 and 31
    assert api.get("/api/v1/health-scores/?band=poor").json()["results"] == [
        r for r in current if r["band"] == "poor"
    ]
    bad = api.get("/api/v1/health-scores/busy/history/?since=2026-13-01")
    assert bad.status_code == 400 and "since" in bad.json()["error"]["fields"]
    assert api.get("/api/v1/health-scores/?band=great").status_code == 400
    assert api.get("/api/v1/health-scores/nobody/").status_code == 404
    assert api.get("/api/v1/health-scores/busy/breakdown/?day=2020-01-01").status_code == 404
    # Another tenant gets nothing.
    assert outsider_api.get("/api/v1/health-scores/").json()["results"] == []
    for path in ("busy/", "busy/history/", "busy/breakdown/"):
        assert outsider_api.get(f"/api/v1/health-scores/{path}").status_code == 404


def test_list_query_counts_stay_constant(api, tenant):
    _scored(tenant)
    scorecards_ensure_defaults(tenant=tenant)
    api.get("/api/v1/tenant/")  # the key's first use of the day is recorded once

    def counts():
        result = {}
        for url in (
            "/api/v1/health-scores/", "/api/v1/health-scores/busy/history/",
            "/api/v1/scorecards/", "/api/v1/scorecard-versions/",
        ):  # fmt: skip
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            result[url] = len(queries)
        return result

    before = counts()
    for index in range(5):
        extra = account(tenant, f"more-{index}")
        active_days(tenant, extra, days_back(DAY, 0, 1))
    for offset in (4, 3, 2, 1, 0):
        health_scores_compute(tenant=tenant, day=DAY - timedelta(days=offset))
    assert counts() == before
    assert max(before.values()) <= 8


def test_a_scorecard_keeps_working_when_its_segment_empties(owner_api, tenant):
    first = account(tenant, "a1", segment="Enterprise")
    created = owner_api.post("/api/v1/scorecards/", _card(), format="json").json()
    with tenant_scope(tenant):
        first.segment = "SMB"
        first.save()
    url = f"/api/v1/scorecards/{created['id']}/"
    assert owner_api.patch(url, {"good_min": 90}, format="json").status_code == 200
    moved = owner_api.patch(url, {"segment": "Mid-market"}, format="json")
    assert moved.status_code == 400 and "segment" in moved.json()["error"]["fields"]
