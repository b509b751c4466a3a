"""Celery tasks of the accounts app: checking and applying CSV imports, sending customer
emails; each calls a service."""

from accounts.csv_io.apply import import_job_apply
from accounts.csv_io.validate import import_job_validate
from accounts.services.customer_email import customer_email_send
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
