"""Recomputing a tenant's metrics: rollups first, then figures and churn records.

Rollups are rebuilt a run of days at a time, each run one statement in one transaction
(a backfill reads the events once). A long run outside any transaction is cut into chunks of
about equal numbers of events, built at once on separate connections (each chunk its own
transaction), and the first days of event names follow from the finished account-days.
Figures are then computed in memory from the finished rollups (activation, for instance,
looks at all of them) and written with the churn records in one transaction: a worker killed
half-way leaves the figures as they were, never part of a day. A session advisory lock keeps
two runs for one tenant from overlapping; it dies with the connection, so a killed worker
cannot leave it held.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import pandas as pd
from django.conf import settings
from django.db import connection, transaction

from metrics.definitions import Grain
from metrics.engine import inputs as data
from metrics.engine.calendar import add_months, month_start, next_month
from metrics.engine.churn import churn_records_sync
from metrics.engine.connections import can_run_apart, run_apart
from metrics.engine.coverage import Coverage, coverage_build
from metrics.engine.cuts import Cuts
from metrics.engine.daily import ADOPTION_WINDOW, DailyInputs, daily_figures
from metrics.engine.monthly import MonthlyInputs, logo_churn, monthly_figures
from metrics.engine.rollups import (
    chunks_balanced,
    event_firsts_update,
    rollups_analyze,
    rollups_build,
)
from metrics.engine.store import figures_replace
from onboarding.models import Milestone
from tenants.models import Tenant

# A rollup statement covers at most a year: a long backfill shows progress between years.
ROLLUP_RUN_DAYS = 366
# Shorter runs (a night, a few late days) are not worth a second connection.
CHUNK_MIN_DAYS = 14
LOCK_NAMESPACE = 0x6D6574  # "met": the first key of the (namespace, tenant) advisory lock

Progress = Callable[[int, int], None]  # (steps done, steps in all)


class MetricsBusy(RuntimeError):
    """Another recompute of the same tenant is running."""


@dataclass
class RunResult:
    rollup_days: int = 0
    figure_days: int = 0
    months: int = 0
    figures: int = 0
    churn_records: int = 0
    seconds: float = 0.0


@contextmanager
def tenant_lock(tenant: Tenant) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, tenant.pk])
        if not cursor.fetchone()[0]:
            raise MetricsBusy(f"Metrics of {tenant.slug} are being recomputed already.")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, tenant.pk])


def metrics_recompute(
    *,
    tenant: Tenant,
    rollup_days: set[date],
    figure_days: set[date],
    months: set[date],
    progress: Progress | None = None,
) -> RunResult:
    """Rebuild the rollups of `rollup_days`, then the figures of `figure_days` and of the
    complete `months`, with the churn records of the figure days. Hold `tenant_lock`."""
    started = time.monotonic()
    result = RunResult()
    rollup_runs = list(_runs(rollup_days, ROLLUP_RUN_DAYS))
    figure_runs = list(_runs(figure_days))
    total = len(rollup_runs) + len(figure_runs) + 1
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    for first, last in rollup_runs:
        _rollups_rebuild(tenant, first, last)
        result.rollup_days += (last - first).days + 1
        step()
    if not figure_runs and not months:
        step()
        result.seconds = time.monotonic() - started
        return result
    base = _Base.load(tenant, figure_days, months)
    daily_rows = []
    for first, last in figure_runs:
        daily_rows.extend(_daily(tenant, base, first, last))
        step()
    monthly_rows = _monthly(tenant, base, sorted(months)) if months else []
    with transaction.atomic():
        days = sorted(figure_days)
        figures_replace(tenant=tenant, grain=Grain.DAY.value, periods=days, rows=daily_rows)
        figures_replace(
            tenant=tenant, grain=Grain.MONTH.value, periods=sorted(months), rows=monthly_rows
        )
        for first, last in figure_runs:
            result.churn_records += churn_records_sync(
                tenant=tenant, coverage=base.coverage, terms=base.terms, first=first, last=last
            )
    step()
    result.figure_days = len(figure_days)
    result.months = len(months)
    result.figures = len(daily_rows) + len(monthly_rows)
    result.seconds = time.monotonic() - started
    return result


def _rollups_rebuild(tenant: Tenant, first: date, last: date) -> None:
    connections = settings.METRICS_ROLLUP_CONNECTIONS
    chunks = min(connections, ((last - first).days + 1) // CHUNK_MIN_DAYS)
    if chunks < 2 or not can_run_apart():
        with transaction.atomic():
            rollups_build(tenant=tenant, first=first, last=last)
            event_firsts_update(tenant=tenant, first=first, last=last)
        return
    parts = chunks_balanced(tenant=tenant, first=first, last=last, chunks=chunks)
    run_apart([partial(rollups_build, tenant=tenant, first=a, last=b) for a, b in parts])
    run_apart(
        [
            partial(
                event_firsts_update, tenant=tenant, first=first, last=last, part=k, parts=chunks
            )
            for k in range(chunks)
        ]
    )
    # Figures read the new account-days next: plan those reads with their statistics rather
    # than with whatever the table held before (autovacuum may take a while to notice).
    rollups_analyze()


@dataclass
class _Base:
    """What every figure of a run shares: terms, cuts, coverage and monthly logo churn."""

    terms: pd.DataFrame
    cuts: Cuts
    coverage: Coverage
    churn: dict

    @classmethod
    def load(cls, tenant: Tenant, days: set[date], months: set[date]) -> "_Base":
        # From 3 months before the first period (LTV's churn months) to the day after the
        # last day (a churn day's comparison) and each month's next first day.
        first = add_months(month_start(min(days | months)), -3)
        ends = [max(days) + timedelta(days=1)] if days else []
        last = max(ends + [next_month(month) for month in months])
        terms = data.terms_frame(tenant)
        cuts = Cuts.build(data.accounts_frame(tenant))
        coverage = coverage_build(
            terms, cuts.accounts, first, last, grace_days=tenant.renewal_grace_days
        )
        churn_months = []
        month = first
        while next_month(month) <= last:
            churn_months.append(month)
            month = next_month(month)
        return cls(terms, cuts, coverage, logo_churn(coverage, cuts, churn_months))


def _daily(tenant: Tenant, base: _Base, first: date, last: date) -> list:
    users_from = first - timedelta(days=ADOPTION_WINDOW - 1)
    nps_from = first - timedelta(days=tenant.nps_window_days - 1)
    inputs = DailyInputs(
        first=first,
        last=last,
        coverage=base.coverage,
        cuts=base.cuts,
        user_days=data.user_days_frame(tenant, users_from, last),
        session_seconds=data.session_seconds_frame(tenant, first, last),
        core_days=data.core_days_frame(tenant, users_from, last),
        nps=data.nps_frame(tenant, nps_from, last),
        nps_window=tenant.nps_window_days,
        adoption_min_days=tenant.adoption_min_days,
        gross_margin=tenant.gross_margin,
        churn_by_month=base.churn,
    )
    return daily_figures(inputs)


def _monthly(tenant: Tenant, base: _Base, months: list[date]) -> list:
    activated_on, has_activation = data.milestone_first_days(
        tenant, Milestone.ACTIVATED, tenant.activation_event
    )
    first_value_on, has_first_value = data.milestone_first_days(
        tenant, Milestone.FIRST_VALUE, tenant.first_value_event
    )
    inputs = MonthlyInputs(
        months=months,
        coverage=base.coverage,
        cuts=base.cuts,
        terms=base.terms,
        grace_days=tenant.renewal_grace_days,
        gross_margin=tenant.gross_margin,
        activated_on=activated_on,
        first_value_on=first_value_on,
        has_activation_event=has_activation,
        has_first_value_event=has_first_value,
        spend_cents=data.spend_by_month(tenant),
    )
    return monthly_figures(inputs, base.churn)


def _runs(days: set[date], longest: int | None = None) -> Iterator[tuple[date, date]]:
    """Contiguous runs of `days`, oldest first, each at most `longest` days long."""
    run_start = previous = None
    for day in sorted(days):
        if run_start is None:
            run_start = previous = day
        elif day == previous + timedelta(days=1) and (
            longest is None or (day - run_start).days < longest
        ):
            previous = day
        else:
            yield run_start, previous
            run_start = previous = day
    if run_start is not None:
        yield run_start, previous
