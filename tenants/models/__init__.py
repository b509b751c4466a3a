"""Models of the platform: tenants, members and roles, invitations, API keys, the audit log,
the task outbox, outbound webhooks, each person's own preferences."""

from tenants.models.api_key import TenantAPIKey
from tenants.models.audit_entry import AuditEntry
from tenants.models.invitation import Invitation
from tenants.models.membership import MANAGE_ROLES, WRITE_ROLES, Membership, Role
from tenants.models.outbox import OutboxTask
from tenants.models.tenant import Tenant
from tenants.models.user_preference import UserPreference
from tenants.models.webhooks import (
    DeliveryStatus,
    DisabledReason,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookFormat,
    WebhookMessage,
)

__all__ = [
    "AuditEntry",
    "DeliveryStatus",
    "DisabledReason",
    "MANAGE_ROLES",
    "WRITE_ROLES",
    "Invitation",
    "Membership",
    "OutboxTask",
    "Role",
    "Tenant",
    "TenantAPIKey",
    "UserPreference",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookFormat",
    "WebhookMessage",
]
