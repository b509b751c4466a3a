"""Models of the platform: tenants, their members and roles, invitations and API keys."""

from tenants.models.api_key import TenantAPIKey
from tenants.models.invitation import Invitation
from tenants.models.membership import MANAGE_ROLES, WRITE_ROLES, Membership, Role
from tenants.models.tenant import Tenant

__all__ = [
    "MANAGE_ROLES",
    "WRITE_ROLES",
    "Invitation",
    "Membership",
    "Role",
    "Tenant",
    "TenantAPIKey",
]
