"""Models of the accounts app: tenants, members, API keys, and the tenant's customers."""

from accounts.models.api_key import TenantAPIKey
from accounts.models.customer import Account, AccountNote, Contact, LifecycleStage, Subscription
from accounts.models.import_job import ImportJob
from accounts.models.invitation import Invitation
from accounts.models.membership import Membership, Role
from accounts.models.tenant import Tenant

__all__ = [
    "Account",
    "AccountNote",
    "Contact",
    "ImportJob",
    "Invitation",
    "LifecycleStage",
    "Membership",
    "Role",
    "Subscription",
    "Tenant",
    "TenantAPIKey",
]
