"""Celery tasks of the metrics app: the nightly fan-out and per-tenant recomputes (thin)."""

import time
from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from metrics.engine.calendar import local_today
from metrics.engine.run import MetricsBusy
from metrics.models import MetricsState
from metrics.services import onboarding_events
from metrics.services.event_storage import events_storage_maintain
from metrics.services.recompute import metrics_nightly, recompute_job_run
from tenants.models import Tenant
from tenants.observability.instruments import NIGHTLY_DURATION
from tenants.tenancy.context import cross_tenant
from tenants.tenancy.tasks import tenant_task

RETRY = {
    "autoretry_for": (MetricsBusy, OperationalError),
    "retry_backoff": 60,
    "retry_backoff_max": 30 * 60,
    "max_retries": 8,
}


@shared_task(name="metrics.tasks.nightly_all")
def nightly_all() -> int:
    """Fan out one nightly run per tenant whose local day has turned since its last run,
    each a task of its own, so any number of workers share the tenants (on the tenants'
    queues when CELERY_NIGHTLY_QUEUES is set).

    Beat calls this every hour, so each tenant is served soon after its own midnight."""
    now = timezone.now()
    with cross_tenant():  # every tenant's bookmark, to queue the runs that are due
        states = MetricsState.objects.unscoped().values_list(
            "tenant_id", "computed_through", "rebuild_requested_at"
        )
        done = {tenant_id: (through, rebuild) for tenant_id, through, rebuild in states}
    queued = 0
    for tenant_id, time_zone in Tenant.objects.values_list("pk", "time_zone"):
        through, rebuild = done.get(tenant_id, (None, None))
        stale = through is None or through < local_today(time_zone, now) - timedelta(days=1)
        if stale or rebuild is not None:
            nightly.delay(tenant_id)
            queued += 1
    return queued


@shared_task(name="metrics.tasks.events_storage_upkeep")
def events_storage_upkeep() -> int:
    """The events table's hourly upkeep, a task of its own so that it never holds up the
    nightly fan-out: the partitions of the coming months, and the receipts of message ids
    past their retention deleted. Returns the partitions created."""
    created, _ = events_storage_maintain()
    return len(created)


@tenant_task(nightly_queue=True, **RETRY)
def nightly(tenant) -> int:
    """Bring the tenant's metrics up to its local yesterday. On the tenant's queue of
    CELERY_NIGHTLY_QUEUES when that is set (tenants/tenancy/routing.py)."""
    started = time.perf_counter()
    result = metrics_nightly(tenant=tenant)
    if result is None:  # already up to date: no run to time
        return 0
    NIGHTLY_DURATION.observe(time.perf_counter() - started)
    return result.figure_days


@tenant_task(**RETRY)
def run_recompute_job(tenant, job_id: int) -> str:
    return recompute_job_run(tenant=tenant, job_id=job_id).status


@tenant_task(name="metrics.tasks.onboarding_events_check")
def onboarding_events_check(tenant, names, account_external_ids, contact_external_ids) -> int:
    """Complete the onboarding steps a stored batch of events may have completed."""
    return onboarding_events.onboarding_events_check(
        tenant=tenant,
        names=names,
        account_external_ids=account_external_ids,
        contact_external_ids=contact_external_ids,
    )


@shared_task(name="metrics.tasks.onboarding_steps_sweep_all")
def onboarding_steps_sweep_all() -> int:
    """Queue each tenant's check of every open automatic onboarding step (beat)."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        onboarding_steps_sweep.delay(tenant_id)
    return len(tenant_ids)


@tenant_task(name="metrics.tasks.onboarding_steps_sweep")
def onboarding_steps_sweep(tenant) -> int:
    """Complete the automatic onboarding steps whose event or trait is there."""
    return onboarding_events.onboarding_steps_sweep(tenant=tenant)
