"""Per-key (or per-user) request throttling, counted in the shared Redis cache."""

from rest_framework.throttling import SimpleRateThrottle

from tenants.models import TenantAPIKey


class TenantKeyRateThrottle(SimpleRateThrottle):
    scope = "tenant_key"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, TenantAPIKey):
            ident = f"key:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
