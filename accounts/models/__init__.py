"""Models of the accounts app: tenants, their members and API keys."""

from accounts.models.api_key import TenantAPIKey
from accounts.models.invitation import Invitation
from accounts.models.membership import Membership, Role
from accounts.models.tenant import Tenant

__all__ = ["Invitation", "Membership", "Role", "Tenant", "TenantAPIKey"]
