from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Customer accounts")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from accounts.models import Account, Contact, ImportJob, Subscription
        from tenants.audit.registry import audit_register

        # An import's life: who uploaded which file, its checks and whether it was applied.
        audit_register(
            ImportJob,
            label=_("CSV import"),
            include_fields=["kind", "original_filename", "status", "row_count", "error_count"],
        )
        # Only the external id: the audit log must not keep a deleted person's details.
        audit_register(
            Account,
            label=_("Account"),
            deletions_only=True,
            include_fields=["external_id", "name"],
        )
        audit_register(
            Contact,
            label=_("Contact"),
            deletions_only=True,
            include_fields=["external_id"],
            describe=lambda contact: f"Contact {contact.external_id}",
        )
        audit_register(
            Subscription,
            label=_("Subscription term"),
            deletions_only=True,
            include_fields=["external_id", "mrr"],
        )
