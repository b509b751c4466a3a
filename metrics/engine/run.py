"""Recomputing a tenant's metrics: rollups first, then figures and churn records.

Two phases, each in chunks of at most a month, each chunk one transaction: a worker killed
half-way leaves whole days behind it, never part of one. Rollups come first so that every
figure reads finished rollups (activation, for instance, looks at all of them). A session
advisory lock keeps two runs for one tenant from overlapping; it dies with the connection,
so a killed worker cannot leave it held.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction

from accounts.models import Tenant
from metrics.definitions import Grain
from metrics.engine import inputs as data
from metrics.engine.calendar import add_months, month_start, next_month
from metrics.engine.churn import churn_records_sync
from metrics.engine.coverage import coverage_build
from metrics.engine.cuts import Cuts
from metrics.engine.daily import ADOPTION_WINDOW, DailyInputs, daily_figures
from metrics.engine.monthly import MonthlyInputs, logo_churn, monthly_figures
from metrics.engine.rollups import rollups_build
from metrics.engine.store import figures_replace

CHUNK_DAYS = 31
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
    rollup_runs = list(_chunks(rollup_days))
    figure_runs = list(_chunks(figure_days))
    month_runs = [sorted(months)] if months and not figure_runs else []
    total = len(rollup_runs) + len(figure_runs) + len(month_runs)
    done = 0
    for first, last in rollup_runs:
        with transaction.atomic():
            rollups_build(tenant=tenant, first=first, last=last)
        result.rollup_days += (last - first).days + 1
        done += 1
        if progress:
            progress(done, total)
    pending_months = set(months)
    terms = data.terms_frame(tenant)
    for index, (first, last) in enumerate(figure_runs):
        chunk_months = {m for m in pending_months if m <= last}
        if index == len(figure_runs) - 1:
            chunk_months = set(pending_months)
        pending_months -= chunk_months
        with transaction.atomic():
            _figures(tenant, terms, first, last, sorted(chunk_months), result)
        done += 1
        if progress:
            progress(done, total)
    for run in month_runs:
        with transaction.atomic():
            _figures(tenant, terms, None, None, run, result)
        done += 1
        if progress:
            progress(done, total)
    result.seconds = time.monotonic() - started
    return result


def _figures(tenant, terms, first: date | None, last: date | None, months: list[date], result):
    """Daily figures of `first`..`last` (if given) and monthly figures of `months`."""
    anchor = min([d for d in (first, *months) if d is not None])
    end = max([d for d in (last, *(next_month(m) for m in months)) if d is not None])
    cov_first = add_months(month_start(anchor), -3)
    cov_last = end + timedelta(days=1)
    accounts = data.accounts_frame(tenant)
    cuts = Cuts.build(accounts)
    coverage = coverage_build(
        terms, cuts.accounts, cov_first, cov_last, grace_days=tenant.renewal_grace_days
    )
    churn_months = []
    month = cov_first
    while next_month(month) <= cov_last:
        churn_months.append(month)
        month = next_month(month)
    churn = logo_churn(coverage, cuts, churn_months)
    if first is not None:
        base = first - timedelta(days=ADOPTION_WINDOW - 1)
        nps_base = first - timedelta(days=tenant.nps_window_days - 1)
        inputs = DailyInputs(
            first=first,
            last=last,
            coverage=coverage,
            cuts=cuts,
            contact_days=data.contact_days_frame(tenant, base, last),
            core_days=data.core_days_frame(tenant, base, last),
            nps=data.nps_frame(tenant, nps_base, last),
            nps_window=tenant.nps_window_days,
            adoption_min_days=tenant.adoption_min_days,
            gross_margin=tenant.gross_margin,
            churn_by_month=churn,
        )
        rows = daily_figures(inputs)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        figures_replace(tenant=tenant, grain=Grain.DAY.value, periods=days, rows=rows)
        result.figure_days += len(days)
        result.figures += len(rows)
        result.churn_records += churn_records_sync(
            tenant=tenant, coverage=coverage, terms=terms, first=first, last=last
        )
    if months:
        monthly = MonthlyInputs(
            months=months,
            coverage=coverage,
            cuts=cuts,
            terms=terms,
            grace_days=tenant.renewal_grace_days,
            gross_margin=tenant.gross_margin,
            activated_on=data.first_event_days(tenant, tenant.activation_event),
            first_value_on=data.first_event_days(tenant, tenant.first_value_event),
            has_activation_event=bool(tenant.activation_event),
            has_first_value_event=bool(tenant.first_value_event),
            spend_cents=data.spend_by_month(tenant),
        )
        rows = monthly_figures(monthly, churn)
        figures_replace(tenant=tenant, grain=Grain.MONTH.value, periods=months, rows=rows)
        result.months += len(months)
        result.figures += len(rows)


def _chunks(days: set[date]) -> Iterator[tuple[date, date]]:
    """Contiguous runs of `days`, split into pieces of at most CHUNK_DAYS, oldest first."""
    run_start = previous = None
    for day in sorted(days):
        if run_start is None:
            run_start = previous = day
        elif day == previous + timedelta(days=1) and (day - run_start).days < CHUNK_DAYS:
            previous = day
        else:
            yield run_start, previous
            run_start = previous = day
    if run_start is not None:
        yield run_start, previous
