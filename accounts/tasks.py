"""Celery tasks of the accounts app; each is thin and calls a service."""

from celery import shared_task

from accounts.csv_io.apply import import_job_apply
from accounts.csv_io.validate import import_job_validate
from accounts.models import Tenant
from accounts.services.invitations import invitation_send, invitations_purge_expired
from accounts.tenancy.tasks import tenant_task


@tenant_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(tenant, invitation_id: int, token: str) -> bool:
    return invitation_send(tenant=tenant, invitation_id=invitation_id, token=token)


@tenant_task()
def purge_expired_invitations(tenant) -> int:
    return invitations_purge_expired(tenant=tenant)


@tenant_task()
def validate_import(tenant, job_id: int) -> str:
    return import_job_validate(tenant=tenant, job_id=job_id).status


@tenant_task()
def apply_import(tenant, job_id: int) -> str:
    return import_job_apply(tenant=tenant, job_id=job_id).status


@shared_task(name="accounts.tasks.purge_expired_invitations_all")
def purge_expired_invitations_all() -> int:
    """Fan out one housekeeping task per tenant."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        purge_expired_invitations.delay(tenant_id)
    return len(tenant_ids)
