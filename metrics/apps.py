from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("Metrics")

    def ready(self):
        from metrics.models import ChurnRecord
        from tenants.audit.registry import audit_register

        # Who recorded or changed why an account churned. Only the reason: the note is free
        # text that may name people, and the log outlives an erased account. (The engine's
        # fields are not followed either: it writes them in bulk, without model saves.)
        audit_register(ChurnRecord, label=_("Churn reason"), include_fields=["reason"])
