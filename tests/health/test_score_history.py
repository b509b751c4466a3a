"""Scoring a range of days set-based (health/services/score_history.py) gives, row for row,
what the exact one-account path gives; who is scored on which day; the nightly run that
follows the metrics (new days, days whose rollups were rebuilt, nothing twice)."""

import random
from datetime import date, timedelta

import pytest

from accounts.models import Account
from health.models import HealthScore, Task, TaskKind
from health.services.defaults import scorecards_ensure_defaults
from health.services.score_history import health_nightly, health_scores_history
from health.services.scorecards import scorecard_create, scorecard_update
from health.services.scores import health_scores_preview
from health.tasks import scores_all
from metrics.models import MetricsState
from metrics.services.recompute import metrics_backfill
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account, answer, feature, term, usage

pytestmark = pytest.mark.django_db

LAST = date(2026, 6, 30)
FIRST = LAST - timedelta(days=24)
EVENTS = ["Login", "Report", "Export", "Share", "Invite", "Unknown"]


def _card_measures():
    return [
        {"source": "usage_frequency", "mapping": "thresholds", "weight": 3,
         "thresholds": [[0, 0], [4, 30], [10, 60], [20, 100]]},
        {"source": "core_depth", "mapping": "linear", "low": 0, "high": 100, "weight": 2},
        {"source": "feature_breadth", "mapping": "linear", "low": 10, "high": 80, "weight": 1,
         "missing": "neutral"},
        {"source": "usage_trend", "mapping": "linear", "low": -50, "high": 25, "weight": 1.5},
        {"source": "nps_latest", "mapping": "linear", "low": 3, "high": 9, "weight": 2,
         "missing": "poor"},
        {"source": "days_to_renewal", "mapping": "thresholds", "weight": 0.5,
         "thresholds": [[0, 20], [30, 60], [90, 100]]},
        {"source": "days_since_activity", "mapping": "linear", "low": 21, "high": 2,
         "weight": 1, "missing": "poor"},
    ]  # fmt: skip


@pytest.fixture
def history(tenant):
    """Sixteen accounts with random usage, terms (running, ending, renewed, open, none) and
    NPS answers over four months; a segment scorecard beside the default one."""
    rng = random.Random(7)
    feature(tenant, "Login", "Sign-in")
    feature(tenant, "Report", "Reports", core=True)
    feature(tenant, "Export", "Reports")
    feature(tenant, "Share", "Sharing", core=True)
    feature(tenant, "Invite", "Team")
    default = scorecards_ensure_defaults(tenant=tenant)
    scorecard_update(tenant=tenant, scorecard=default, measures=_card_measures())
    start = LAST - timedelta(days=120)
    for n in range(16):
        acct = account(tenant, f"a{n}", segment="enterprise" if n % 3 == 0 else "smb")
        kind = n % 5
        if kind == 0:
            term(tenant, acct, start, None)
        elif kind == 1:
            term(tenant, acct, start, LAST - timedelta(days=10))  # churns in the range
        elif kind == 2:
            term(tenant, acct, start, LAST - timedelta(days=12))
            term(tenant, acct, LAST - timedelta(days=5), LAST + timedelta(days=200))  # renewed
        elif kind == 3:
            term(tenant, acct, LAST - timedelta(days=15), LAST + timedelta(days=45))  # starts
        level = rng.random()
        for offset in range(121):
            day = start + timedelta(days=offset)
            if n != 4 and rng.random() < level * (0.3 if offset > 90 and n % 2 else 1):
                counts = {e: rng.randint(1, 4) for e in rng.sample(EVENTS, rng.randint(1, 4))}
                usage(tenant, acct, day, counts)
        for contact in range(rng.randint(0, 3) if n != 4 else 0):
            for _ in range(rng.randint(1, 3)):
                day = start + timedelta(days=rng.randint(0, 120))
                answer(tenant, acct, f"c{n}-{contact}", rng.randint(0, 10), day)
    scorecard_create(
        tenant=tenant, name="Enterprise", priority=1, segment="enterprise", good_min=60,
        average_min=30, measures=_card_measures()[:4],
    )  # fmt: skip
    return tenant


def _stored(tenant, day):
    with tenant_scope(tenant):
        rows = HealthScore.objects.filter(day=day).select_related("scorecard_version")
        return {row.account_id: (row.scorecard_version_id, row.score, row.band, row.parts)
                for row in rows}  # fmt: skip


def test_a_range_scored_set_based_equals_the_exact_path_row_for_row(history):
    tenant = history
    health_scores_history(tenant=tenant, first=FIRST, last=LAST)
    with tenant_scope(tenant):
        ids = dict(Account.objects.values_list("external_id", "pk"))
    checked = 0
    for offset in range(0, 25, 3):
        day = FIRST + timedelta(days=offset)
        stored = _stored(tenant, day)
        exact = {
            row.account_id: (row.scorecard_version_id, row.score, row.band, row.parts)
            for row in health_scores_preview(tenant=tenant, day=day, account_ids=list(stored))
        }
        assert stored == exact
        checked += sum(1 for _, score, _, _ in stored.values() if score is not None)
        # Who is scored: paying logos that day and accounts without terms, no one else.
        assert ids["a4"] in stored and ids["a9"] in stored  # no terms (a4 never used it)
        assert stored[ids["a4"]][1] is None  # no data at all: no score, never 0
        churned, starts = ids["a1"], ids["a3"]
        assert (churned in stored) == (day < LAST - timedelta(days=10))
        assert (starts in stored) == (day >= LAST - timedelta(days=15))
    assert checked > 80


def test_scoring_a_range_again_replaces_it(history):
    tenant = history
    first = health_scores_history(tenant=tenant, first=FIRST, last=LAST)
    again = health_scores_history(tenant=tenant, first=FIRST, last=LAST)
    with tenant_scope(tenant):
        assert first == again == HealthScore.objects.count()
        assert HealthScore.objects.filter(day__lt=FIRST).count() == 0


def test_nightly_scores_new_days_and_rebuilt_ones_once(history, settings):
    tenant = history
    assert health_nightly(tenant=tenant).rows == 0  # metrics never ran: nothing to follow
    with tenant_scope(tenant):
        MetricsState.objects.create(computed_through=LAST - timedelta(days=1))
    first = health_nightly(tenant=tenant)
    assert (first.first, first.last) == (LAST - timedelta(days=365), LAST - timedelta(days=1))
    assert health_nightly(tenant=tenant).rows == 0  # nothing new
    assert scores_all() == 1  # scored, but the alert rules have not run on it yet
    assert scores_all() == 0
    with tenant_scope(tenant):
        MetricsState.objects.update(computed_through=LAST)
    assert scores_all() == 1  # queued and run (eager): LAST scored
    assert LAST in _days(tenant)
    # A metrics run rebuilds days in the past (late events): they are scored again.
    with tenant_scope(tenant):
        before = set(HealthScore.objects.filter(day=LAST - timedelta(days=3)).values_list("pk"))
    metrics_backfill(tenant=tenant, since=LAST - timedelta(days=3), until=LAST - timedelta(days=2),
                     now=_noon_after(LAST))  # fmt: skip
    with tenant_scope(tenant):
        assert MetricsState.objects.get().rollups_changed_from == LAST - timedelta(days=3)
    rerun = health_nightly(tenant=tenant)
    assert (rerun.first, rerun.last) == (LAST - timedelta(days=3), LAST)
    with tenant_scope(tenant):
        state = MetricsState.objects.get()
        assert state.rollups_changed_from is None and state.rollups_changed_at is None
        rescored = HealthScore.objects.filter(day=LAST - timedelta(days=3)).values_list("pk")
        assert before and not before & set(rescored)  # written again
    assert health_nightly(tenant=tenant).rows == 0


def _days(tenant):
    with tenant_scope(tenant):
        return set(HealthScore.objects.values_list("day", flat=True))


def _noon_after(day):
    from datetime import UTC, datetime, time

    return datetime.combine(day + timedelta(days=1), time(12), UTC)


def test_the_scoring_run_after_the_metrics_runs_the_alert_rules_on_its_last_day(tenant):
    quiet = account(tenant, "quiet")
    term(tenant, quiet, LAST - timedelta(days=200), None)
    for offset in range(20, 60):  # active until 20 days before the last day, then silent
        usage(tenant, quiet, LAST - timedelta(days=offset), {"Login": 2})
    with tenant_scope(tenant):
        MetricsState.objects.create(computed_through=LAST)
    assert scores_all() == 1
    with tenant_scope(tenant):
        task = Task.objects.get(account=quiet, kind=TaskKind.NO_ACTIVITY)
    assert task.figures["days_since_activity"] == 20 and task.due_on > LAST
    assert scores_all() == 0  # nothing new: no second run, no second task


def test_the_day_a_nightly_run_scores_is_shared_with_the_rules_as_written(history):
    from health.raw_values import raw_values_shared, scores_shared_get

    tenant = history
    with tenant_scope(tenant):
        MetricsState.objects.create(computed_through=LAST)
    health_scores_history(
        tenant=tenant, first=LAST - timedelta(days=30), last=LAST - timedelta(days=1)
    )
    with raw_values_shared():
        health_nightly(tenant=tenant)  # LAST alone
        shared = scores_shared_get(tenant, LAST)
    with tenant_scope(tenant):
        stored = {
            a: (score, band)
            for a, score, band in HealthScore.objects.filter(day=LAST).values_list(
                "account_id", "score", "band"
            )
        }
    assert stored and shared == stored
    assert any(score is None for score, _ in stored.values())  # the missing ones too
