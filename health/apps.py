"""Health scorecards, score history, alert rules and playbook tasks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Health scores")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from health.models import Scorecard, ScorecardVersion
        from tenants.audit.registry import audit_register

        # Who changed the rules of the health score, and when; each version keeps the whole
        # scorecard with its measures (written in bulk, so not recorded one by one).
        audit_register(Scorecard, label=_("Scorecard"), exclude_fields=["updated_at"])
        audit_register(
            ScorecardVersion, label=_("Scorecard version"), include_fields=["number", "note"]
        )
