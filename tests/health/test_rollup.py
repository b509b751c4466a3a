"""The hierarchy roll-up: a parent's score as the ARR-weighted mean of its children's and
its own, with hand-made numbers; in the API, with outsiders turned away."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Subscription
from health.models import HealthScore, ScorecardVersion
from health.services.defaults import scorecards_ensure_defaults
from health.services.rollup import PLAIN_MEAN, health_rollup
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import DAY, account

pytestmark = pytest.mark.django_db


def _version(tenant):
    card = scorecards_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        return ScorecardVersion.objects.get(scorecard=card, number=card.version)


def _score(tenant, acct, score, day=DAY):
    band = (
        None if score is None else "good" if score >= 70 else "average" if score >= 40 else "poor"
    )
    with tenant_scope(tenant):
        HealthScore.objects.create(
            account=acct, day=day, score=score, band=band, raws=[],
            scorecard_version=_version(tenant),
        )  # fmt: skip


def _mrr(tenant, acct, mrr, start=date(2026, 1, 1), end=None):
    with tenant_scope(tenant):
        Subscription.objects.create(
            account=acct, external_id=f"{acct.external_id}-{start}-{mrr}", mrr=Decimal(mrr),
            currency="USD", start_date=start, end_date=end,
        )  # fmt: skip


@pytest.fixture
def group(tenant):
    parent = account(tenant, "group")
    a = account(tenant, "child-a", parent=parent)
    b = account(tenant, "child-b", parent=parent)
    _score(tenant, parent, 60)
    _score(tenant, a, 80)
    _score(tenant, b, 40)
    _mrr(tenant, parent, 100)  # ARR 1200
    _mrr(tenant, a, 100)  # ARR 1200
    _mrr(tenant, b, 200)  # ARR 3600 from two terms running that day
    _mrr(tenant, b, 100, start=date(2026, 3, 1))
    _mrr(tenant, b, 999, start=date(2025, 1, 1), end=date(2026, 1, 1))  # ended: not counted
    return parent, a, b


def test_arr_weighted_mean_of_children_and_own(tenant, group):
    parent, a, b = group
    rollup = health_rollup(tenant=tenant, account=parent)
    # (80 x 1200 + 40 x 3600 + 60 x 1200) / 6000 = 52
    assert rollup.day == DAY and rollup.exact == 52 and rollup.score == 52
    assert rollup.band == "average" and rollup.weighting == "arr"
    shares = {m.account.external_id: (m.arr, m.share) for m in rollup.members}
    assert shares == {
        "group": (Decimal(1200), Fraction(1, 5)),
        "child-a": (Decimal(1200), Fraction(1, 5)),
        "child-b": (Decimal(3600), Fraction(3, 5)),
    }
    assert [m.own for m in rollup.members] == [True, False, False]


def test_children_without_score_are_left_out(tenant, group):
    parent, a, b = group
    with tenant_scope(tenant):
        HealthScore.objects.filter(account=b).update(score=None, band=None)
    c = account(tenant, "child-c", parent=parent)  # never scored
    _mrr(tenant, c, 500)
    rollup = health_rollup(tenant=tenant, account=parent)
    assert rollup.score == 70  # (80 x 1200 + 60 x 1200) / 2400
    left_out = {m.account.external_id: m.share for m in rollup.members if m.score is None}
    assert left_out == {"child-b": 0, "child-c": 0}


def test_a_parent_without_own_score_is_its_childrens_mean(tenant, group):
    parent, a, b = group
    with tenant_scope(tenant):
        HealthScore.objects.filter(account=parent).delete()
    rollup = health_rollup(tenant=tenant, account=parent)
    assert rollup.exact == Fraction(80 * 1200 + 40 * 3600, 4800) and rollup.score == 50


def test_without_arr_weight_zero_unless_none_has_arr(tenant):
    parent = account(tenant, "group")
    a = account(tenant, "child-a", parent=parent)
    b = account(tenant, "child-b", parent=parent)
    _score(tenant, parent, 90)
    _score(tenant, a, 20)
    _score(tenant, b, 50)
    none_has_arr = health_rollup(tenant=tenant, account=parent)
    assert none_has_arr.weighting == PLAIN_MEAN
    assert none_has_arr.exact == Fraction(160, 3) and none_has_arr.score == 53
    _mrr(tenant, b, 10)
    one_has_arr = health_rollup(tenant=tenant, account=parent)
    assert one_has_arr.weighting == "arr" and one_has_arr.score == 50


def test_no_scores_at_all_is_na_never_zero(tenant):
    parent = account(tenant, "group")
    account(tenant, "child-a", parent=parent)
    rollup = health_rollup(tenant=tenant, account=parent)
    assert rollup.score is None and rollup.band is None and rollup.day is None
    _score(tenant, parent, None)
    rollup = health_rollup(tenant=tenant, account=parent)
    assert rollup.day == DAY and rollup.score is None


def test_a_given_day_uses_that_days_scores_and_terms(tenant, group):
    parent, a, b = group
    earlier = DAY - timedelta(days=1)
    _score(tenant, a, 10, day=earlier)
    rollup = health_rollup(tenant=tenant, account=parent, day=earlier)
    assert rollup.score == 10 and [m.account for m in rollup.members if m.score] == [a]


def test_rollup_queries_stay_constant(tenant, group):
    parent, a, b = group
    health_rollup(tenant=tenant, account=parent)  # scorecard defaults exist

    def count():
        with CaptureQueriesContext(connection) as queries:
            health_rollup(tenant=tenant, account=parent)
        return len(queries)

    before = count()
    for index in range(4):
        child = account(tenant, f"more-{index}", parent=parent)
        _score(tenant, child, 30 + index)
        _mrr(tenant, child, 50)
    assert count() == before


@pytest.mark.outsider("health-score-rollup")
def test_rollup_api(api, outsider_api, tenant, group):
    body = api.get("/api/v1/health-scores/group/rollup/").json()
    assert body["score"] == 52 and body["weighting"] == "arr" and body["day"] == str(DAY)
    assert [(m["account_external_id"], m["weight_share"]) for m in body["members"]] == [
        ("group", 0.2), ("child-a", 0.2), ("child-b", 0.6)
    ]  # fmt: skip
    assert body["members"][2]["arr"] == "3600.00"
    earlier = api.get(f"/api/v1/health-scores/group/rollup/?day={DAY - timedelta(days=1)}")
    assert earlier.json()["score"] is None
    bad = api.get("/api/v1/health-scores/group/rollup/?day=yesterday")
    assert bad.status_code == 400 and "day" in bad.json()["error"]["fields"]
    assert api.get("/api/v1/health-scores/nobody/rollup/").status_code == 404
    assert outsider_api.get("/api/v1/health-scores/group/rollup/").status_code == 404
