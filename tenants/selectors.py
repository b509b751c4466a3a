"""Read queries of the team and API-key pages and API, with their joins decided here."""

from tenants.models import Invitation, Membership, TenantAPIKey, WebhookDelivery, WebhookEndpoint
from tenants.models.membership import WRITE_ROLES


def members_list():
    return Membership.objects.select_related("user").order_by("user__email")


def writers_list():
    """Members who may change tenant data (not viewers): those who can be given work."""
    return members_list().filter(role__in=WRITE_ROLES)


def invitations_open():
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def api_keys_list():
    return TenantAPIKey.objects.select_related("created_by").order_by("revoked", "-created")


def webhook_endpoints():
    return WebhookEndpoint.objects.order_by("id")


def webhook_deliveries():
    """Deliveries, newest first, with their message (the log of the pages and the API)."""
    return WebhookDelivery.objects.select_related("message").order_by("-id")
