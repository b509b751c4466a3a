"""Celery tasks of onboarding; each calls a service."""

from celery import shared_task

from onboarding.services.emails import step_reminders_queue, welcome_emails_queue
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


@tenant_task()
def welcome_emails_send(tenant, plan_id: int) -> int:
    """Queue the welcome emails of a plan that started (queued after its commit)."""
    return welcome_emails_queue(tenant=tenant, plan_ids=[plan_id])


@shared_task(name="onboarding.tasks.step_reminders_all")
def step_reminders_all() -> int:
    """Queue each tenant's due-step reminders (beat, hourly)."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        step_reminders.delay(tenant_id)
    return len(tenant_ids)


@tenant_task()
def step_reminders(tenant) -> int:
    """Remind the contacts of the customer steps due soon or overdue (each step once)."""
    return step_reminders_queue(tenant=tenant)
