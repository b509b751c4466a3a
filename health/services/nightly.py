"""What follows each metrics run for a tenant: the scores of the days due, then the alert
rules on the last scored day (which open tasks)."""

from dataclasses import dataclass

from health.services.rules import RulesResult, alert_rules_run
from health.services.score_history import NightlyResult, health_nightly
from tenants.models import Tenant


@dataclass(frozen=True)
class AfterMetrics:
    scores: NightlyResult
    rules: RulesResult | None  # None when no day was scored


def health_after_metrics(*, tenant: Tenant) -> AfterMetrics:
    """Score the days due; when any was, run the rules on the last one. Idempotent: with
    nothing new it does nothing, and the rules open nothing twice for a day."""
    scores = health_nightly(tenant=tenant)
    if scores.last is None:
        return AfterMetrics(scores, None)
    return AfterMetrics(scores, alert_rules_run(tenant=tenant, day=scores.last))
