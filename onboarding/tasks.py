"""Celery tasks of onboarding; each calls a service."""

from celery import shared_task

from onboarding.services.plans import plans_start_due
from tenants.models import Tenant
from tenants.tenancy.tasks import tenant_task


@shared_task(name="onboarding.tasks.plans_start_all")
def plans_start_all() -> int:
    """Queue each tenant's due plan starts (beat, hourly)."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        plans_start.delay(tenant_id)
    return len(tenant_ids)


@tenant_task()
def plans_start(tenant) -> int:
    """Start the plans of the accounts whose first term started (each account once)."""
    return len(plans_start_due(tenant=tenant))
