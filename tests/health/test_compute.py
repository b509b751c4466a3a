"""Scoring every account for a day: scorecard choice, idempotent recompute, no score without
data, one account on demand by the same path (health/services/scores.py)."""

from datetime import timedelta

import pytest

from health.models import HealthScore, Scorecard, ScorecardVersion
from health.services.defaults import scorecards_ensure_defaults
from health.services.score_history import health_scores_compute
from health.services.scorecards import scorecard_create, scorecard_update
from health.services.scores import health_score_for_account
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import DAY, account, active_days, days_back

pytestmark = pytest.mark.django_db

FREQUENCY_ONLY = [
    {"source": "usage_frequency", "mapping": "linear", "low": 0, "high": 30, "weight": 1}
]


def _scores(tenant, day=DAY):
    with tenant_scope(tenant):
        return {
            s.account.external_id: s
            for s in HealthScore.objects.filter(day=day).select_related(
                "account", "scorecard_version"
            )
        }


def test_defaults_are_created_once(tenant):
    first = scorecards_ensure_defaults(tenant=tenant)
    again = scorecards_ensure_defaults(tenant=tenant)
    assert first.pk == again.pk
    with tenant_scope(tenant):
        assert Scorecard.objects.count() == 1
        assert [m.source for m in first.measures.all()] == [
            "usage_frequency", "core_depth", "feature_breadth", "usage_trend", "nps_latest",
            "onboarding_progress",
        ]  # fmt: skip
        assert ScorecardVersion.objects.get().number == 1


def test_compute_scores_every_account_and_is_idempotent(tenant):
    busy = account(tenant, "busy")
    account(tenant, "quiet")
    active_days(tenant, busy, days_back(DAY, *range(0, 40)))  # 30 of 30 days, steady
    assert health_scores_compute(tenant=tenant, day=DAY) == 2
    scores = _scores(tenant)
    # Usage frequency 100 and trend 100 (weights 25 and 20); the rest have no data.
    assert scores["busy"].score == 100 and scores["busy"].band == "good"
    assert scores["quiet"].score is None and scores["quiet"].band is None
    assert {p["source"] for p in scores["busy"].parts if p["missing"]} == {
        "core_depth", "feature_breadth", "nps_latest", "onboarding_progress"
    }  # fmt: skip
    before = {x: (s.pk, s.score, s.parts) for x, s in scores.items()}
    assert health_scores_compute(tenant=tenant, day=DAY) == 2
    after = _scores(tenant)
    assert {x: (s.score, s.parts) for x, s in after.items()} == {
        x: (score, parts) for x, (_, score, parts) in before.items()
    }
    with tenant_scope(tenant):
        assert HealthScore.objects.count() == 2


def test_parts_sum_to_the_score(tenant):
    acme = account(tenant, "a1")
    active_days(tenant, acme, days_back(DAY, 0, 1, 2, 3, 4, 5, 6, 31, 32))
    health_scores_compute(tenant=tenant, day=DAY)
    score = _scores(tenant)["a1"]
    total = sum(p["contribution"] for p in score.parts)
    assert round(total) == score.score
    assert sum(p["effective_weight"] for p in score.parts) == pytest.approx(1)


def test_scorecard_priority_then_default(tenant):
    enterprise = account(tenant, "ent", segment="Enterprise", lifecycle_stage="renewal")
    smb = account(tenant, "smb", segment="SMB", lifecycle_stage="renewal")
    other = account(tenant, "other", segment="SMB", lifecycle_stage="adoption")
    for acc in (enterprise, smb, other):
        active_days(tenant, acc, days_back(DAY, *range(0, 15)))
    scorecards_ensure_defaults(tenant=tenant)
    by_stage = scorecard_create(
        tenant=tenant, name="Renewals", priority=20, lifecycle_stage="renewal",
        measures=FREQUENCY_ONLY,
    )  # fmt: skip
    by_segment = scorecard_create(
        tenant=tenant, name="Enterprise", priority=10, segment="Enterprise",
        measures=FREQUENCY_ONLY, good_min=90, average_min=60,
    )  # fmt: skip
    health_scores_compute(tenant=tenant, day=DAY)
    scores = _scores(tenant)
    assert scores["ent"].scorecard_version.scorecard_id == by_segment.pk  # priority 10 first
    assert scores["ent"].score == 50 and scores["ent"].band == "poor"
    assert scores["smb"].scorecard_version.scorecard_id == by_stage.pk
    assert scores["smb"].band == "average"
    assert scores["other"].scorecard_version.scorecard.is_default


def test_one_account_on_demand_matches_the_nightly_path(tenant):
    acme, other = account(tenant, "a1"), account(tenant, "a2")
    active_days(tenant, acme, days_back(DAY, 0, 3, 9, 33))
    health_scores_compute(tenant=tenant, day=DAY)
    nightly = _scores(tenant)["a1"]
    row = health_score_for_account(tenant=tenant, account=acme, day=DAY)
    assert (row.score, row.band, row.parts) == (nightly.score, nightly.band, nightly.parts)
    with tenant_scope(tenant):
        assert HealthScore.objects.filter(day=DAY).count() == 2
    day_after = health_score_for_account(tenant=tenant, account=other, day=DAY + timedelta(1))
    assert day_after.score is None


def test_scores_name_the_version_they_used(tenant):
    acme = account(tenant, "a1")
    active_days(tenant, acme, days_back(DAY, 0))
    health_scores_compute(tenant=tenant, day=DAY)
    default = scorecards_ensure_defaults(tenant=tenant)
    scorecard_update(tenant=tenant, scorecard=default, good_min=80)
    health_scores_compute(tenant=tenant, day=DAY + timedelta(days=1))
    first = _scores(tenant)["a1"].scorecard_version.number
    second = _scores(tenant, DAY + timedelta(days=1))["a1"].scorecard_version.number
    assert (first, second) == (1, 2)
