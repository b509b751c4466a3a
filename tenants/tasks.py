"""Celery tasks of the platform: invitation emails and their housekeeping, the relay of the
task outbox, and outbound webhooks; each calls a service."""

from celery import shared_task

from tenants.models import Tenant
from tenants.services.invitations import invitation_send, invitations_purge_expired
from tenants.services.webhook_sending import webhook_delivery_attempt, webhooks_due
from tenants.tenancy.outbox import outbox_relay
from tenants.tenancy.tasks import tenant_task

# The tasks keep the names they had in the accounts app: messages queued before an upgrade
# are still run by the upgraded workers.


@tenant_task(
    name="accounts.tasks.send_invitation",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation(tenant, invitation_id: int, token: str | None = None) -> bool:
    # `token` is only in messages queued by earlier versions; the link is issued here now.
    return invitation_send(tenant=tenant, invitation_id=invitation_id)


@tenant_task(name="accounts.tasks.purge_expired_invitations")
def purge_expired_invitations(tenant) -> int:
    return invitations_purge_expired(tenant=tenant)


@shared_task(name="accounts.tasks.purge_expired_invitations_all")
def purge_expired_invitations_all() -> int:
    """Fan out one housekeeping task per tenant (crossing tenants is the point here)."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        purge_expired_invitations.delay(tenant_id)
    return len(tenant_ids)


@shared_task(name="tenants.tasks.relay_outbox")
def relay_outbox() -> int:
    """Send the queued tasks the broker could not take when they were queued (every minute,
    and when a worker starts)."""
    return outbox_relay().sent


@tenant_task(name="tenants.tasks.webhook_delivery_send")
def webhook_delivery_send(tenant, delivery_id: int) -> str | None:
    """One attempt of a webhook delivery when it is due; nothing when it was sent already."""
    return webhook_delivery_attempt(tenant=tenant, delivery_id=delivery_id)


@shared_task(name="tenants.tasks.webhooks_sweep")
def webhooks_sweep() -> int:
    """Queue every webhook delivery that is due (every minute): retries whose queued task
    was lost, and attempts of a worker that died."""
    due = webhooks_due()
    for tenant_id, delivery_id in due:
        webhook_delivery_send.delay(tenant_id, delivery_id)
    return len(due)
