"""The backtest on a hand-made history (stored scores and scores computed in memory, churn
records, open windows), suggested weights applied as a version, the nightly task, and the
API with outsiders turned away."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from health.models import Backtest, HealthScore, Scorecard, ScorecardVersion
from health.services.backtests import backtests_refresh, suggested_weights_apply
from health.services.defaults import scorecards_ensure_defaults
from health.services.scorecards import scorecard_update
from health.tasks import backtest_refresh, backtests_all
from metrics.models import ChurnRecord, MetricsState
from tenants.tenancy.context import tenant_scope
from tests.conftest import MODEL_BACKEND, session_api
from tests.health.helpers import account, active_days, term

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 15)
JAN = date(2026, 1, 1)
FREQUENCY = {"source": "usage_frequency", "mapping": "linear", "low": 0, "high": 30}
SINCE = {
    "source": "days_since_activity", "mapping": "linear", "low": 30, "high": 0, "missing": "poor",
}  # fmt: skip


def _card(tenant):
    card = scorecards_ensure_defaults(tenant=tenant)
    return scorecard_update(
        tenant=tenant, scorecard=card, measures=[{**FREQUENCY, "weight": 3}, {**SINCE, "weight": 1}]
    )


def _stored(tenant, acct, day, score, band, version):
    # The raw usage frequency that scores `score` (0-30 days: 0-100); last activity missing.
    raws = [score * 30 / 100, None]
    with tenant_scope(tenant):
        HealthScore.objects.create(
            account=acct, day=day, score=score, band=band, raws=raws, scorecard_version=version
        )


@pytest.fixture
def history(tenant):
    """January 1st is stored: a 80 (good), b 40 (average), c 20 (poor, churns 15 February),
    d 60 (average, churns 20 March); so is a's 90 of February 1st. The rest is computed in
    memory: a is active every day (score 100), b, c and d never used the product (no score)."""
    card = _card(tenant)
    with tenant_scope(tenant):
        version = ScorecardVersion.objects.get(scorecard=card, number=card.version)
        MetricsState.objects.create(computed_through=TODAY - timedelta(days=1))
    a, b, c, d = (account(tenant, x) for x in "abcd")
    start = date(2025, 1, 1)
    for acct, end in [(a, None), (b, None), (c, date(2026, 2, 15)), (d, date(2026, 3, 20))]:
        term(tenant, acct, start, end)
        if end:
            with tenant_scope(tenant):
                ChurnRecord.objects.create(account=acct, churned_on=end, last_mrr=100)
    first = date(2025, 11, 1)
    active_days(tenant, a, [first + timedelta(days=n) for n in range((TODAY - first).days)])
    stored = [(a, 80, "good"), (b, 40, "average"), (c, 20, "poor"), (d, 60, "average")]
    for acct, score, band in stored:
        _stored(tenant, acct, JAN, score, band, version)
    _stored(tenant, a, date(2026, 2, 1), 90, "good", version)  # the others: computed
    return card


def test_backtest_of_a_hand_made_history(tenant, history):
    (result,) = backtests_refresh(tenant=tenant, today=TODAY)
    months = {m["month_start"]: m for m in result.months}
    assert len(months) == 12 and list(months)[0] == "2026-01-01"
    january = months["2026-01-01"]
    # Retained 80 and 40, churned 20 and 60: 3 of the 4 pairs ordered right.
    assert january == {
        "month_start": "2026-01-01", "window_end": "2026-04-01", "complete": True,
        "accounts": 4, "unscored": 0, "churned": 2, "auc": 0.75,
    }  # fmt: skip
    # February: a's stored 90; b, c and d computed in memory, with no data.
    february = months["2026-02-01"]
    assert (february["accounts"], february["unscored"], february["churned"]) == (1, 3, 0)
    assert months["2026-03-01"]["unscored"] == 2  # c has churned
    assert months["2026-04-01"]["unscored"] == 1  # c and d have churned: only b
    # Windows ending after 14 December are open: listed, not counted.
    assert [m["complete"] for m in result.months][-4:] == [True, False, False, False]
    assert months["2026-10-01"]["churned"] is None
    # Overall: retained 80, 40, 90 and seven 100s against churned 20 and 60: 19 of 20 pairs.
    assert result.auc == 0.95
    assert (result.accounts, result.churned) == (12, 2)
    assert result.bands == {
        "good": {"accounts": 9, "churned": 0, "churn_rate": 0.0},
        "average": {"accounts": 2, "churned": 1, "churn_rate": 0.5},
        "poor": {"accounts": 1, "churned": 1, "churn_rate": 1.0},
    }
    assert result.scorecard_version.number == history.version
    suggestion = result.suggestion
    assert suggestion["train_months"][0] == "2026-01-01" and len(suggestion["test_months"]) == 3
    assert suggestion["current_weights"] == {"usage_frequency": 3.0, "days_since_activity": 1.0}
    # Nothing churned in the judged months: their AUC is undefined.
    assert suggestion["held_out_auc_current"] is None
    with tenant_scope(tenant):
        assert HealthScore.objects.count() == 5  # computed, not stored
    again = backtests_refresh(tenant=tenant, today=TODAY)
    with tenant_scope(tenant):
        assert Backtest.objects.count() == 1
    assert (again[0].auc, again[0].months) == (result.auc, result.months)


def test_without_a_metrics_run_no_window_counts(tenant):
    _card(tenant)
    (result,) = backtests_refresh(tenant=tenant, today=TODAY)
    assert result.auc is None and result.last_known_day is None
    assert not any(m["complete"] for m in result.months)
    assert result.suggestion["reason"] == "not_enough_history"


def _suggest(tenant, card, weights):
    with tenant_scope(tenant):
        version = ScorecardVersion.objects.get(scorecard=card, number=card.version)
        Backtest.objects.update_or_create(
            scorecard=card,
            defaults={
                "scorecard_version": version,
                "computed_at": "2026-12-02T02:30:00Z",
                "suggestion": {"suggested_weights": weights, "current_weights": {}},
            },
        )


def test_applying_a_suggestion_records_a_version(tenant, owner):
    card = _card(tenant)
    _suggest(tenant, card, {"usage_frequency": 62.5, "days_since_activity": 37.5})
    with tenant_scope(tenant):
        membership = owner.memberships.get()
    applied = suggested_weights_apply(tenant=tenant, scorecard=card, created_by=membership)
    assert applied.version == card.version + 1
    with tenant_scope(tenant):
        version = ScorecardVersion.objects.get(scorecard=card, number=applied.version)
        weights = {m.source: float(m.weight) for m in applied.measures.all()}
    assert version.note == "Suggested weights applied" and version.created_by == membership
    assert weights == {"usage_frequency": 62.5, "days_since_activity": 37.5}
    # The scorecard changed since: the suggestion no longer applies.
    with pytest.raises(ValidationError, match="changed since"):
        suggested_weights_apply(tenant=tenant, scorecard=card)


def test_a_measure_suggested_zero_is_left_out(tenant):
    card = _card(tenant)
    _suggest(tenant, card, {"usage_frequency": 100.0, "days_since_activity": 0.0})
    applied = suggested_weights_apply(tenant=tenant, scorecard=card)
    with tenant_scope(tenant):
        assert [m.source for m in applied.measures.all()] == ["usage_frequency"]


def test_no_suggestion_no_change(tenant):
    card = _card(tenant)
    with pytest.raises(ValidationError, match="no suggestion"):
        suggested_weights_apply(tenant=tenant, scorecard=card)
    _suggest(tenant, card, None)
    with pytest.raises(ValidationError, match="no suggestion"):
        suggested_weights_apply(tenant=tenant, scorecard=card)


def test_nightly_task_backtests_every_tenant(tenant, other_tenant):
    assert backtests_all() >= 2  # eager in tests: each tenant's refresh has run
    for each in (tenant, other_tenant):
        with tenant_scope(each):
            assert Backtest.objects.count() == Scorecard.objects.count() == 1
    assert backtest_refresh.delay(tenant.pk).get() == 1


@pytest.mark.outsider("scorecard-backtest", "scorecard-suggested-weights")
def test_backtest_api(tenant, owner, member, api, outsider, history):
    backtests_refresh(tenant=tenant, today=TODAY)
    url = f"/api/v1/scorecards/{history.pk}/"
    body = api.get(url + "backtest/").json()
    assert body["auc"] == 0.95 and body["bands"]["poor"]["churn_rate"] == 1.0
    assert len(body["months"]) == 12 and body["scorecard_version_number"] == history.version
    weights = api.get(url + "suggested-weights/").json()
    assert weights["current_weights"] == {"usage_frequency": 3.0, "days_since_activity": 1.0}
    assert "held_out_auc_suggested" in weights and "applicable" in weights
    outsider_api = session_api(outsider)
    for path in ("backtest/", "suggested-weights/"):
        assert outsider_api.get(url + path).status_code == 404
    assert outsider_api.post(url + "suggested-weights/").status_code == 404
    # Writing: owners and admins only.
    _suggest(tenant, history, {"usage_frequency": 75.0, "days_since_activity": 25.0})
    assert api.post(url + "suggested-weights/").status_code == 403
    assert session_api(member).post(url + "suggested-weights/").status_code == 403
    applied = session_api(owner).post(url + "suggested-weights/")
    assert applied.status_code == 200, applied.content
    assert applied.json()["note"] == "Suggested weights applied"
    assert applied.json()["number"] == history.version + 1
    again = session_api(owner).post(url + "suggested-weights/")
    assert again.status_code == 400 and "suggested_weights" in again.json()["error"]["fields"]


def test_no_backtest_yet_is_404(api, tenant):
    card = scorecards_ensure_defaults(tenant=tenant)
    assert api.get(f"/api/v1/scorecards/{card.pk}/backtest/").status_code == 404


def test_admin_shows_the_backtest_beside_the_scorecard(tenant, owner, client, history):
    client.force_login(owner, backend=MODEL_BACKEND)
    url = f"/admin/health/scorecard/{history.pk}/change/"
    assert "Not backtested yet" in client.get(url).content.decode()
    (result,) = backtests_refresh(tenant=tenant, today=TODAY)
    page = client.get(url).content.decode()
    assert "AUC 0.95" in page and "Poor: 100.0% (1/1)" in page and "Good: 0.0% (0/9)" in page
    assert client.get("/admin/health/backtest/").status_code == 200
    detail = client.get(f"/admin/health/backtest/{result.pk}/change/").content.decode()
    assert "0.95" in detail and "Save" not in detail.split("submit-row")[-1]
