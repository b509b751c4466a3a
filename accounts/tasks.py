"""Celery tasks of the accounts app: checking and applying CSV imports, sending customer
emails, survey sends and reminders; each calls a service."""

from celery import shared_task

from accounts.csv_io.apply import import_job_apply
from accounts.csv_io.validate import import_job_validate
from accounts.services.customer_email import customer_email_send
from accounts.services.surveys import survey_reminders_send, survey_send_batch, surveys_due
from tenants.models import Tenant
from tenants.tenancy.tasks import tenant_task


@tenant_task()
def validate_import(tenant, job_id: int) -> str:
    return import_job_validate(tenant=tenant, job_id=job_id).status


@tenant_task()
def apply_import(tenant, job_id: int) -> str:
    return import_job_apply(tenant=tenant, job_id=job_id).status


@tenant_task()
def customer_email_send_task(tenant, email_id: int) -> str:
    """Send one queued customer email (a sent or skipped one is left alone)."""
    return customer_email_send(tenant=tenant, email_id=email_id)


@tenant_task()
def survey_send_batch_task(tenant, send_id: int) -> int:
    """Invite a survey send's next batch of contacts; queues the next batch itself."""
    return survey_send_batch(tenant=tenant, send_id=send_id)


@shared_task(name="accounts.tasks.surveys_all")
def surveys_all() -> int:
    """Queue each tenant's due survey sends and reminders (beat, hourly)."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        surveys_run.delay(tenant_id)
    return len(tenant_ids)


@tenant_task()
def surveys_run(tenant) -> int:
    """Start the tenant's due survey sends and queue the reminders due."""
    started = surveys_due(tenant=tenant)
    return len(started) + survey_reminders_send(tenant=tenant)
