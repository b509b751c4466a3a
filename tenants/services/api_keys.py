"""Creating and revoking a tenant's API keys. The raw key is returned once, never stored."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants.models import Tenant, TenantAPIKey


@transaction.atomic
def api_key_create(*, tenant: Tenant, name: str, created_by=None) -> tuple[TenantAPIKey, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the key a name, e.g. the system that will use it."})
    if len(name) > 50:
        raise ValidationError({"name": "Use at most 50 characters."})
    return TenantAPIKey.objects.create_key(tenant=tenant, name=name, created_by=created_by)


@transaction.atomic
def api_key_revoke(*, tenant: Tenant, api_key: TenantAPIKey) -> TenantAPIKey:
    if api_key.tenant_id != tenant.pk:
        raise TenantAPIKey.DoesNotExist
    if not api_key.revoked:
        api_key.revoked = True
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked", "revoked_at"])
    return api_key
