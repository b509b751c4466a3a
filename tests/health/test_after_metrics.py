"""The run after the metrics: scores, then the alert rules on the last scored day, then the
playbooks they start (a band drop starts at-risk outreach) and stop (the band is good
again)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from health.models import PlaybookRun, RunStatus, Task, TaskKind
from health.services.defaults import scorecards_ensure_defaults
from health.services.nightly import health_after_metrics
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.score_history import health_nightly
from health.services.scorecards import scorecard_update
from health.services.tasks import health_settings_for
from health.tasks import scores_all
from metrics.models import MetricsState
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account, active_days, answer, term

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 30)
# Active today: 100; one day without activity: 67 (average); three or more: 0.
RECENCY = [{"source": "days_since_activity", "mapping": "linear", "low": 3, "high": 0,
            "weight": 1}]  # fmt: skip


def _through(tenant, day):
    with tenant_scope(tenant):
        MetricsState.objects.update_or_create(tenant=tenant, defaults={"computed_through": day})


def test_a_band_drop_opens_a_task_starts_outreach_and_recovery_stops_it(tenant):
    card = scorecards_ensure_defaults(tenant=tenant)
    scorecard_update(tenant=tenant, scorecard=card, measures=RECENCY)
    playbooks_ensure_defaults(tenant=tenant)
    acct = account(tenant, "a1")
    term(tenant, acct, DAY - timedelta(days=400), None)
    active_days(tenant, acct, [DAY - timedelta(days=n) for n in range(1, 20)])  # not on DAY
    _through(tenant, DAY)
    first = health_after_metrics(tenant=tenant)
    assert first.scores.last == DAY and first.playbooks_started == 1
    with tenant_scope(tenant):
        assert Task.objects.filter(account=acct, kind=TaskKind.BAND_DROPPED).count() == 1
        run = PlaybookRun.objects.get(account=acct)
    assert run.status == RunStatus.RUNNING and run.trigger_kind == TaskKind.BAND_DROPPED
    # The next day the drop's one-day condition clears, the band is still average: runs on.
    _through(tenant, DAY + timedelta(days=1))
    assert health_after_metrics(tenant=tenant).playbooks_stopped == 0
    # Active again: good, and the outreach stops.
    active_days(tenant, acct, [DAY + timedelta(days=2)])
    _through(tenant, DAY + timedelta(days=2))
    assert health_after_metrics(tenant=tenant).playbooks_stopped == 1
    with tenant_scope(tenant):
        run.refresh_from_db()
    assert run.status == RunStatus.STOPPED
    assert health_after_metrics(tenant=tenant).rules is None  # nothing new to score


def test_rules_run_for_every_scored_day_after_the_bookmark_and_resume_after_a_failure(tenant):
    """Scores committed but the rules never ran for them (a run that stopped half-way):
    the next run does each such day, so a detractor of a day in between opens its task."""
    acct = account(tenant, "a1")
    term(tenant, acct, DAY - timedelta(days=400), None)
    active_days(tenant, acct, [DAY - timedelta(days=n) for n in range(0, 40)])
    _through(tenant, DAY - timedelta(days=3))
    health_after_metrics(tenant=tenant)  # the first run: rules for its last day only
    answer(tenant, acct, "c1", 2, DAY - timedelta(days=1))  # a detractor, between runs
    _through(tenant, DAY)
    health_nightly(tenant=tenant)  # scores written, then the run stopped before the rules
    assert scores_all() == 1  # still due: its rules lag behind its scores
    with tenant_scope(tenant):
        task = Task.objects.get(account=acct, kind=TaskKind.NPS_DETRACTOR)
        assert health_settings_for(tenant).rules_run_through == DAY
    assert task.figures and task.due_on > DAY
    after = health_after_metrics(tenant=tenant)
    assert after.rule_days == [] and after.rules is None  # nothing done twice


def test_a_day_is_read_once_for_its_scores_and_its_rules(tenant):
    acct = account(tenant, "a1")
    term(tenant, acct, DAY - timedelta(days=400), None)
    active_days(tenant, acct, [DAY - timedelta(days=n) for n in range(0, 40)])
    _through(tenant, DAY - timedelta(days=1))
    health_after_metrics(tenant=tenant)
    _through(tenant, DAY)
    with CaptureQueriesContext(connection) as queries:
        after = health_after_metrics(tenant=tenant)
    assert after.scores.rows == 1 and after.rule_days == [DAY]
    # The trailing windows of usage: read once, not twice, and carried from the day before
    # (three days of rollups) rather than aggregated from 60.
    usage = [q["sql"] for q in queries.captured_queries if "FROM metrics_accountday d" in q["sql"]]
    assert len(usage) == 1 and "= ANY(" in usage[0]
