"""A Celery worker killed (SIGKILL) during the nightly run: what it left is never a partial
day, and the run that follows writes exactly the figures and scores of an uninterrupted run.

Real worker processes on the test database and the real Redis. Each worker is killed at a
chosen point, found without any timing: another connection holds a lock the run needs next,
the test waits until the worker's database session is blocked behind that lock, and kills
the worker there.

1. The metrics run is killed after its rollups are committed, while it writes the figures
   (their table is locked against writes): no figure is visible, nothing is marked computed.
2. The hourly catch-up (`nightly_all`) queues the run again; a second worker completes it.
3. The scoring run (on the second worker) is killed after some quarters of scores are
   committed, while it writes the next one (another transaction is inserting one of that
   quarter's rows).
4. The catch-up of the scores (`scores_all`) queues them again; a third worker completes
   them, then the alert rules.
5. The killed workers' own messages, redelivered after the broker's visibility timeout, do
   nothing more.

Throughout, another connection reads the figures and scores per day, as a page would: every
day it saw had all of its rows or none. At the end, the figures and scores equal those a
full recompute of the same history writes in one go.
"""

import signal
from datetime import timedelta

import psycopg2
import pytest
from django.db import connection
from django.db.models import Q

from accounts.models import Subscription
from csplatform.celery import app as celery_app
from csplatform.demo.seed.service import demo_seed
from health.models import HealthScore, HealthSettings
from health.services.score_history import CHUNK_DAYS, HISTORY_DAYS, health_scores_history
from health.tasks import scores_all, scores_nightly
from metrics.engine.calendar import local_today
from metrics.models import AccountDay, MetricFigure, MetricsState
from metrics.services.recompute import metrics_backfill
from metrics.tasks import nightly, nightly_all
from tenants.services.tenants import tenant_create
from tenants.tenancy.context import tenant_scope
from tests.conftest import _database_url, worker_start, worker_stop
from tests.ops.processes import until

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = 12
DAYS = 300  # the first scoring run writes a year of scores, a quarter at a time


def _connect():
    database = psycopg2.connect(_database_url())
    database.autocommit = True
    return database


def _blocked_behind(observer, holder) -> int | None:
    """The backend waiting for a lock the `holder` connection holds, if any."""
    with observer.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
            [holder.get_backend_pid()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _gone(observer, pid: int) -> bool:
    with observer.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


def _kill(process, observer, holder, backend: int) -> None:
    """SIGKILL the worker, then let its orphaned session run into the closed socket and end
    (PostgreSQL notices a dead client only when it next talks to it)."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    holder.rollback()
    until(lambda: _gone(observer, backend), what="end of the killed worker's session")


def _per_day(observer, tenant_id: int) -> dict:
    """What a reader sees now: rows per day of daily figures and of scores."""
    with observer.cursor() as cursor:
        cursor.execute(
            f"SELECT period, count(*) FROM {MetricFigure._meta.db_table} "  # noqa: S608
            "WHERE tenant_id = %s AND grain = 'day' GROUP BY period",
            [tenant_id],
        )
        figures = dict(cursor.fetchall())
        cursor.execute(
            f"SELECT day, count(*) FROM {HealthScore._meta.db_table} "  # noqa: S608
            "WHERE tenant_id = %s GROUP BY day",
            [tenant_id],
        )
        return {"figures": figures, "scores": dict(cursor.fetchall())}


def _watching(observer, tenant_id, seen: list):
    """A condition wrapper that also records what a reader sees at each poll."""

    def wrap(condition):
        def check():
            seen.append(_per_day(observer, tenant_id))
            return condition()

        return check

    return wrap


def _figures(tenant) -> list:
    return sorted(
        MetricFigure.objects.for_tenant(tenant).values_list(
            "grain", "period", "dimension", "key", "metric", "value", "numerator", "denominator"
        )
    )


def _scores(tenant) -> list:
    return sorted(
        HealthScore.objects.for_tenant(tenant).values_list(
            "account_id", "day", "scorecard_version_id", "score", "band", "raws"
        ),
        key=repr,
    )


def _state(tenant) -> MetricsState | None:
    return MetricsState.objects.for_tenant(tenant).first()


def test_a_worker_killed_during_the_nightly_run(tmp_path, settings):
    # Three workers, each on a queue of its own (what one queues goes to its queue too), all
    # started while the history is seeded rather than one after each kill.
    queues = [f"{settings.CELERY_TASK_DEFAULT_QUEUE}-{n}" for n in range(3)]
    workers = [
        worker_start(tmp_path, settings, queue=queue, env={"CSPLATFORM_TEST_QUEUE": queue})
        for queue in queues
    ]
    observer, holder = _connect(), psycopg2.connect(_database_url())
    try:
        tenant, _ = tenant_create(slug="night", name="Night", owner_email="owner@night.test")
        yesterday = local_today(tenant.time_zone) - timedelta(days=1)
        with tenant_scope(tenant):
            demo_seed(tenant=tenant, accounts=ACCOUNTS, days=DAYS, seed=11, end_date=yesterday)
        oldest = yesterday - timedelta(days=HISTORY_DAYS - 1)
        # An account scored every day of the third quarter of the score history: a row of
        # its that another transaction is inserting stops the scoring run at that quarter,
        # after the first two are committed.
        third = oldest + timedelta(days=2 * CHUNK_DAYS)
        steady = (
            Subscription.objects.for_tenant(tenant)
            .filter(start_date__lte=third)
            .filter(Q(end_date=None) | Q(end_date__gt=third + timedelta(days=CHUNK_DAYS)))
            .values_list("account_id", flat=True)
            .first()
        )
        assert steady is not None, "the seed has no account paying through the third quarter"
        seen: list = []
        watch = _watching(observer, tenant.pk, seen)
        celery_app.conf.task_always_eager = False

        # 1. The metrics run, killed while it writes the figures (after the rollups).
        with holder.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {MetricFigure._meta.db_table} IN SHARE MODE")
        nightly_all.apply_async(queue=queues[0])
        backend = until(
            watch(lambda: _blocked_behind(observer, holder)),
            workers=workers[:1],
            what="metrics run writing its figures",
        )
        assert AccountDay.objects.for_tenant(tenant).exists(), "the rollups were committed"
        _kill(workers[0], observer, holder, backend)
        assert not MetricFigure.objects.for_tenant(tenant).exists()
        assert _state(tenant).computed_through is None  # the catch-up will run it again

        # 2. The hourly catch-up queues the run again; another worker completes it.
        nightly_all.apply_async(queue=queues[1])
        until(
            watch(lambda: _state(tenant).computed_through == yesterday),
            workers=workers[1:2],
            what="metrics run completed",
        )
        assert MetricsState.objects.for_tenant(tenant).get().last_error == ""

        # 3. The scoring run, killed as it writes its third quarter.
        with holder.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {HealthScore._meta.db_table} "  # noqa: S608
                "(tenant_id, account_id, day, scorecard_version_id, raws, computed_at) "
                "VALUES (%s, %s, %s, 0, '[]', now())",
                [tenant.pk, steady, third],
            )
        scores_all.apply_async(queue=queues[1])
        backend = until(
            watch(lambda: _blocked_behind(observer, holder)),
            workers=workers[1:2],
            what="scoring run writing a quarter",
        )
        scored = set(HealthScore.objects.for_tenant(tenant).values_list("day", flat=True))
        assert scored and max(scored) < third, "the first quarters only were committed"
        _kill(workers[1], observer, holder, backend)
        settings_row = HealthSettings.objects.for_tenant(tenant).first()
        assert settings_row is None or settings_row.rules_run_through is None  # no rules yet

        # 4. The catch-up of the scores queues them again; the third worker completes them.
        scores_all.apply_async(queue=queues[2])
        until(
            watch(
                lambda: (
                    HealthSettings.objects.for_tenant(tenant)
                    .filter(rules_run_through=yesterday)
                    .exists()
                )
            ),
            workers=workers[2:],
            what="scores and alert rules completed",
        )
        seen.append(_per_day(observer, tenant.pk))
    finally:
        celery_app.conf.task_always_eager = True
        for process in workers:
            worker_stop(process)
        holder.close()
        observer.close()

    # Every day a reader saw had all of its rows or none.
    final = seen[-1]
    assert max(final["figures"]) == max(final["scores"]) == yesterday
    for view in seen:
        for kind in ("figures", "scores"):
            partial = {day: count for day, count in view[kind].items() if count != final[kind][day]}
            assert not partial, f"{kind} of a day seen partly written: {partial}"
    assert any(0 < len(view["scores"]) < len(final["scores"]) for view in seen)  # half-way

    # The killed workers' messages were never acknowledged: Redis hands them out again once
    # the visibility timeout has passed (celery.py), long after the catch-ups; redelivered
    # then, they find nothing to do and change nothing.
    figures, scores = _figures(tenant), _scores(tenant)
    assert nightly.apply(args=[tenant.pk]).get() == 0
    assert scores_nightly.apply(args=[tenant.pk]).get() == 0
    assert (_figures(tenant), _scores(tenant)) == (figures, scores)

    # The same as an uninterrupted run: a full recompute writes every row again, in one go.
    first = min(final["figures"])
    with tenant_scope(tenant):
        metrics_backfill(tenant=tenant, since=first, until=yesterday)
        health_scores_history(tenant=tenant, first=min(final["scores"]), last=yesterday)
    assert _figures(tenant) == figures
    assert _scores(tenant) == scores
    connection.close()
