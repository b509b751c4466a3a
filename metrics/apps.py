from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Metrics"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from metrics.models import ChurnRecord
        from tenants.audit.registry import audit_register

        # Who recorded or changed why an account churned (the engine's own fields are not
        # followed: it writes them in bulk, without model saves).
        audit_register(ChurnRecord, label=_("Churn reason"), include_fields=["reason", "note"])
