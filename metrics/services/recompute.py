"""What a nightly run or a backfill recomputes, and the bookkeeping around each run.

A nightly run covers the days since the last one (up to the tenant's local yesterday), the
days whose events arrived late or were attributed late, and, for figures only, the days that
subscription terms written or deleted since can change (a renewal turns the days since the
previous term's end from churned back to active); writers leave dirty-day marks for both.
A day whose rollups change also changes the trailing 30-day figures after it, so those are
redone too. Monthly figures are redone for the last 12 complete months, whose cohorts keep
activating.
"""

import operator
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import Min, Q, Value
from django.db.models.functions import Least, Now
from django.utils import timezone

from accounts.models import Subscription
from metrics.engine.calendar import add_months, days_between, local_today, month_start, next_month
from metrics.engine.daily import ADOPTION_WINDOW
from metrics.engine.rollups import days_received_since
from metrics.engine.run import MetricsBusy, Progress, RunResult, metrics_recompute, tenant_lock
from metrics.models import DirtyDay, MetricsState, RecomputeJob
from tenants.models import Tenant
from tenants.tenancy.outbox import enqueue_on_commit

# In-flight ingestion transactions commit after they stamp `received_at`: look back this far
# past the watermark so none is missed (a day recomputed twice is harmless).
WATERMARK_SLACK = timedelta(minutes=10)
MAX_HISTORY_DAYS = 3 * 366
MONTHS_REFRESHED = 12
JOB_ABANDONED = timedelta(minutes=35)  # longer than a task's hard time limit


def rollups_changes_consumed(*, tenant: Tenant, seen: datetime) -> bool:
    """A reader has caught up with the rollups changed as of `seen` (the
    `rollups_changed_at` it read): clear the mark, unless a run has moved it since (then the
    reader has more to do next time)."""
    return bool(
        MetricsState.objects.for_tenant(tenant)
        .filter(rollups_changed_at=seen)
        .update(rollups_changed_from=None, rollups_changed_at=None)
    )


def state_for(tenant: Tenant) -> MetricsState:
    state, _ = MetricsState.objects.for_tenant(tenant).get_or_create(tenant=tenant)
    return state


def metrics_nightly(*, tenant: Tenant, now: datetime | None = None) -> RunResult | None:
    """Bring the tenant's metrics up to its local yesterday; None when already there."""
    now = now or timezone.now()
    started = timezone.now()  # before dirty days are read: marks made later must survive
    yesterday = local_today(tenant.time_zone, now) - timedelta(days=1)
    with tenant_lock(tenant):
        state = state_for(tenant)
        late, marks = _dirty_days(tenant, state)
        rebuild = state.rebuild_requested_at
        up_to_date = state.computed_through is not None and state.computed_through >= yesterday
        if up_to_date and not late and not marks and rebuild is None:
            return None
        plan = _nightly_plan(tenant, state, yesterday, late, marks)
        result = _run(tenant, state, plan, now=now, started=started, nightly=True)
        if rebuild is not None:
            # Only the request this run saw: one made while it ran stays for the next run.
            MetricsState.objects.for_tenant(tenant).filter(rebuild_requested_at=rebuild).update(
                rebuild_requested_at=None
            )
        return result


def metrics_backfill(
    *,
    tenant: Tenant,
    since: date,
    until: date | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> RunResult:
    """Recompute everything from `since` to `until` (default: the local yesterday)."""
    now = now or timezone.now()
    started = timezone.now()
    yesterday = local_today(tenant.time_zone, now) - timedelta(days=1)
    until = min(until or yesterday, yesterday)
    if since > until:
        raise ValueError(f"Nothing to recompute: {since} is after {until}.")
    with tenant_lock(tenant):
        state = state_for(tenant)
        horizon = max(until, state.computed_through or until)
        rollup_days = set(days_between(since, until))
        figure_days = _with_trailing_windows(rollup_days, horizon)
        # A backfill moves the bookmark only when it reaches yesterday: the nightly run would
        # otherwise skip the days between an old bookmark and this backfill.
        through = horizon if until == yesterday or state.computed_through else None
        # The rollup marks of the days rebuilt; the figure marks if every day from theirs
        # on is recomputed.
        marks = [
            mark
            for mark in DirtyDay.objects.for_tenant(tenant).values_list(
                "pk", "kind", "day", "marked_at"
            )
            if (mark[1] == DirtyDay.Kind.EVENTS and since <= mark[2] <= until)
            or (mark[1] == DirtyDay.Kind.FIGURES and since <= mark[2] and until == yesterday)
        ]
        months = _complete_months(figure_days, horizon)
        plan = Plan(rollup_days, figure_days, months, through, marks)
        return _run(tenant, state, plan, now=now, started=started, progress=progress)


@dataclass
class Plan:
    rollup_days: set[date]
    figure_days: set[date]
    months: set[date]
    through: date | None  # the last local day the figures are complete for afterwards
    # The dirty-day marks this run takes care of, as read: (id, kind, day, marked_at).
    marks: list = field(default_factory=list)


def _run(tenant, state, plan: Plan, *, now, started, progress=None, nightly=False):
    """Run `plan` and keep the books. `now` may be a chosen instant (backfills and tests
    choose it); dirty-day marks go by the real clock (`started`)."""
    state.last_run_started_at = started
    state.save(update_fields=["last_run_started_at"])
    try:
        result = metrics_recompute(
            tenant=tenant,
            rollup_days=plan.rollup_days,
            figure_days=plan.figure_days,
            months=plan.months,
            progress=progress,
        )
    except Exception:
        state.last_error = traceback.format_exc(limit=5)
        state.last_error_at = timezone.now()
        state.save(update_fields=["last_error", "last_error_at"])
        raise
    if plan.through and (state.computed_through is None or plan.through > state.computed_through):
        state.computed_through = plan.through
    # Only a nightly run looks for late events; a backfill of some days leaves the others'
    # late events to it, unless nothing was computed before.
    if state.received_watermark is None or (nightly and state.received_watermark < now):
        state.received_watermark = now
    state.last_run_finished_at = timezone.now()
    state.last_run_days = len(plan.figure_days)
    state.last_error = ""
    # Never the whole row: a rebuild requested while this run went on must stay requested.
    state.save(
        update_fields=[
            "computed_through",
            "received_watermark",
            "last_run_finished_at",
            "last_run_days",
            "last_error",
        ]
    )
    if plan.rollup_days:
        # PostgreSQL's LEAST skips nulls: a reader that caught up meanwhile left none.
        MetricsState.objects.for_tenant(tenant).filter(pk=state.pk).update(
            rollups_changed_from=Least("rollups_changed_from", Value(min(plan.rollup_days))),
            rollups_changed_at=Now(),
        )
    # Only the marks read before the run, unchanged since and for days it rebuilt: a mark
    # made or renewed meanwhile stays for the next run.
    done = [Q(pk=pk, marked_at=marked_at) for pk, _, _, marked_at in plan.marks]
    if done:
        DirtyDay.objects.for_tenant(tenant).filter(reduce(operator.or_, done)).delete()
    return result


def _nightly_plan(tenant, state, yesterday: date, late: set[date], marks: list) -> "Plan":
    figures_since = None
    if state.computed_through is None or state.rebuild_requested_at is not None:
        # The whole history, which every mark made so far is part of.
        first = _history_start(tenant, yesterday)
        rollup_days = set(days_between(first, yesterday))
    else:
        new = set(days_between(state.computed_through + timedelta(days=1), yesterday))
        events = {day for _, kind, day, _ in marks if kind == DirtyDay.Kind.EVENTS}
        rollup_days = new | late | events
        figure_marks = [day for _, kind, day, _ in marks if kind == DirtyDay.Kind.FIGURES]
        figures_since = min(figure_marks, default=None)
    rollup_days = {day for day in rollup_days if day <= yesterday}
    figure_days = _with_trailing_windows(rollup_days, yesterday)
    if figures_since is not None:
        # Never before the history the first run computed.
        first = max(figures_since, _history_start(tenant, yesterday))
        figure_days |= set(days_between(first, yesterday))
    months = _complete_months(figure_days, yesterday)
    latest = month_start(yesterday + timedelta(days=1))
    months |= {add_months(latest, -n) for n in range(1, MONTHS_REFRESHED + 1)}
    return Plan(rollup_days, figure_days, months, yesterday, marks)


def _dirty_days(tenant: Tenant, state: MetricsState) -> tuple[set[date], list]:
    """Days computed already whose events arrived late, and the dirty-day marks."""
    marks = list(DirtyDay.objects.for_tenant(tenant).values_list("pk", "kind", "day", "marked_at"))
    late = set()
    if state.received_watermark is not None:
        since = state.received_watermark - WATERMARK_SLACK
        late = days_received_since(tenant=tenant, since=since)
    if state.computed_through is not None:
        late = {day for day in late if day <= state.computed_through}
    return late, marks


def _history_start(tenant: Tenant, yesterday: date) -> date:
    earliest = Subscription.objects.for_tenant(tenant).aggregate(first=Min("start_date"))["first"]
    floor = yesterday - timedelta(days=MAX_HISTORY_DAYS)
    return min(max(earliest or yesterday, floor), yesterday)


def _with_trailing_windows(days: set[date], horizon: date) -> set[date]:
    """`days` and the days whose trailing 30-day window contains one of them."""
    result = set()
    for day in days:
        for offset in range(ADOPTION_WINDOW):
            later = day + timedelta(days=offset)
            if later > horizon:
                break
            result.add(later)
    return result


def _complete_months(days: set[date], horizon: date) -> set[date]:
    """Months touching `days` whose last day is no later than `horizon`."""
    return {
        month_start(day)
        for day in days
        if next_month(month_start(day)) - timedelta(days=1) <= horizon
    }


@transaction.atomic
def recompute_job_create(*, tenant: Tenant, since: date, until: date, requested_by=None):
    """Queue a recompute of `since`..`until` (validated here; the task runs it)."""
    from metrics.tasks import run_recompute_job  # the tasks module imports this one

    yesterday = local_today(tenant.time_zone) - timedelta(days=1)
    errors = {"since": [], "until": []}
    if until > yesterday:
        errors["until"].append(f"Choose a day no later than {yesterday} (yesterday, local time).")
    if since > until:
        errors["since"].append("Must be on or before the last day.")
    if (until - since).days >= MAX_HISTORY_DAYS:
        errors["since"].append(f"Recompute at most {MAX_HISTORY_DAYS} days at a time.")
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    job = RecomputeJob.objects.for_tenant(tenant).create(
        tenant=tenant,
        since=since,
        until=until,
        requested_by=requested_by,
        days_total=(until - since).days + 1,
    )
    enqueue_on_commit(run_recompute_job, tenant, job.pk)
    return job


def recompute_job_run(*, tenant: Tenant, job_id: int) -> RecomputeJob:
    """Run a queued job once: claimed with a conditional UPDATE, so a duplicate does nothing."""
    jobs = RecomputeJob.objects.for_tenant(tenant)
    now = timezone.now()
    # A job left running by a worker that died (past the task's hard time limit) is
    # claimed again by its redelivered task.
    abandoned = Q(status=RecomputeJob.Status.RUNNING, started_at__lt=now - JOB_ABANDONED)
    claimable = Q(status=RecomputeJob.Status.QUEUED) | abandoned
    claimed = jobs.filter(claimable, pk=job_id).update(
        status=RecomputeJob.Status.RUNNING, started_at=now
    )
    job = jobs.get(pk=job_id)
    if not claimed:
        return job

    def progress(done: int, total: int) -> None:
        jobs.filter(pk=job_id).update(days_done=job.days_total * done // max(total, 1))

    try:
        metrics_backfill(tenant=tenant, since=job.since, until=job.until, progress=progress)
    except (MetricsBusy, OperationalError):
        # Another run holds the tenant, or the database is away for a moment: hand the job
        # back so that the task's retry can claim it again.
        jobs.filter(pk=job_id).update(status=RecomputeJob.Status.QUEUED, started_at=None)
        raise
    except Exception as error:
        jobs.filter(pk=job_id).update(
            status=RecomputeJob.Status.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    jobs.filter(pk=job_id).update(
        status=RecomputeJob.Status.DONE, days_done=job.days_total, finished_at=timezone.now()
    )
    return jobs.get(pk=job_id)
