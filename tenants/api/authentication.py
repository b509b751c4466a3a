"""API key authentication: `Authorization: Bearer <key>`.

Keys are created and hashed by djangorestframework-api-key; here we only find the key by
its prefix (across tenants: the key decides the tenant) and verify it.
"""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from tenants.models import TenantAPIKey
from tenants.tenancy.context import cross_tenant, tenant_scope

LAST_USED_RESOLUTION = timedelta(minutes=1)


class APIKeyPrincipal:
    """The `request.user` of a request authenticated by an API key."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, api_key: TenantAPIKey):
        self.api_key = api_key

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}"


def authenticate_key(raw_key: str) -> TenantAPIKey:
    """Return the usable key for `raw_key` or raise AuthenticationFailed."""
    prefix, dot, _ = raw_key.partition(".")
    if not dot or not prefix or "\x00" in raw_key or len(raw_key) > 200:
        raise exceptions.AuthenticationFailed("Malformed API key.")
    with cross_tenant():  # the key itself names its tenant
        # A prefix is unique within a tenant only: keys of two tenants may share one, and
        # the key whose hash matches is the one.
        candidates = TenantAPIKey.objects.unscoped().select_related("tenant").filter(prefix=prefix)
        api_key = next((key for key in candidates if key.is_valid(raw_key)), None)
    if api_key is None:
        raise exceptions.AuthenticationFailed("Invalid API key.")
    if api_key.revoked:
        raise exceptions.AuthenticationFailed("This API key has been revoked.")
    if api_key.has_expired:
        raise exceptions.AuthenticationFailed("This API key has expired.")
    _touch(api_key)
    return api_key


def _touch(api_key: TenantAPIKey) -> None:
    # One conditional UPDATE a minute at most per key, so busy integrations stay cheap.
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        with tenant_scope(api_key.tenant):
            TenantAPIKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


class APIKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if not parts or parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header; expected 'Bearer <key>'."
            )
        api_key = authenticate_key(parts[1])
        return APIKeyPrincipal(api_key), api_key

    def authenticate_header(self, request):
        return self.keyword
