from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Tenants and access")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.utils.translation import gettext_lazy as _

        from tenants.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from tenants.audit.registry import audit_register
        from tenants.db import checks  # noqa: F401  (registers the deployment check)
        from tenants.language.session import copy_preference_at_sign_in
        from tenants.models import Invitation, Membership, Tenant, TenantAPIKey

        # Reads the person's language into their session once, at sign-in (not a side effect:
        # nothing is written to the database).
        user_logged_in.connect(copy_preference_at_sign_in, dispatch_uid="user-language")
        audit_register(Tenant, label=_("Tenant settings"))
        # owned_accounts is the accounts' side of a relation, not a field of the member.
        audit_register(Membership, label=_("Member role"), exclude_fields=["owned_accounts"])
        audit_register(Invitation, label=_("Invitation"), exclude_fields=["token_hash"])
        # The key's id is its prefix and its hash; last_used_at changes with use, not with
        # anyone's decision.
        audit_register(
            TenantAPIKey,
            label=_("API key"),
            exclude_fields=["id", "hashed_key", "last_used_at"],
        )
