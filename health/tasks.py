"""Celery tasks of the health app: the nightly backtest of every tenant's scorecards and the
hourly run of due playbook steps (thin)."""

from celery import shared_task
from django.db import OperationalError

from health.services.backtests import backtests_refresh
from health.services.playbooks import playbook_steps_due_run
from tenants.models import Tenant
from tenants.tenancy.tasks import tenant_task


@shared_task(name="health.tasks.backtests_all")
def backtests_all() -> int:
    """Queue one backtest refresh per tenant (beat, daily). Tenants are not tenant-owned."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        backtest_refresh.delay(tenant_id)
    return len(tenant_ids)


@tenant_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def backtest_refresh(tenant) -> int:
    """Replace each scorecard's backtest with a new one (running it twice changes nothing
    but the time it was computed)."""
    return len(backtests_refresh(tenant=tenant))


@shared_task(name="health.tasks.playbook_steps_due_all")
def playbook_steps_due_all() -> int:
    """Queue one run of due playbook steps per tenant (beat, hourly)."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        playbook_steps_due.delay(tenant_id)
    return len(tenant_ids)


@tenant_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def playbook_steps_due(tenant) -> int:
    """Execute the playbook steps due by the tenant's local today (each step once)."""
    return playbook_steps_due_run(tenant=tenant, day=tenant.today())
