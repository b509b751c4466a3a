"""OpenAPI description of API key authentication (loaded in AccountsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class APIKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.api.authentication.APIKeyAuthentication"
    name = "BearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A tenant API key, created by an owner or admin under Settings → API keys: "
                "`Authorization: Bearer <key>`. The key decides the tenant."
            ),
        }
