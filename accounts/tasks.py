"""Celery tasks of the accounts app; each is thin and calls a service."""

from celery import shared_task

from accounts.models import Tenant
from accounts.services.invitations import invitation_send, invitations_purge_expired
from accounts.tenancy.tasks import tenant_task


@tenant_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(tenant, invitation_id: int, token: str) -> bool:
    return invitation_send(tenant=tenant, invitation_id=invitation_id, token=token)


@tenant_task()
def purge_expired_invitations(tenant) -> int:
    return invitations_purge_expired(tenant=tenant)


@shared_task(name="accounts.tasks.purge_expired_invitations_all")
def purge_expired_invitations_all() -> int:
    """Fan out one housekeeping task per tenant."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        purge_expired_invitations.delay(tenant_id)
    return len(tenant_ids)
