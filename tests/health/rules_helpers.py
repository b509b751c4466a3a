"""Hand-made inputs of alert rules: stored health scores on chosen days, and a rule's
settings changed in one call."""

from health.models import AlertRule, HealthScore, ScorecardVersion
from health.services.defaults import scorecards_ensure_defaults
from health.services.rules import alert_rule_update, alert_rules_ensure_defaults
from tenants.tenancy.context import tenant_scope


def score(tenant, account, day, value, band):
    """Store `account`'s score of `day` (value and band as given, not computed)."""
    card = scorecards_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        version = ScorecardVersion.objects.get(scorecard=card, number=card.version)
        return HealthScore.objects.create(
            account=account, day=day, scorecard_version=version, score=value, band=band
        )


def rule(tenant, kind, **changes) -> AlertRule:
    """The tenant's rule of `kind`, with `changes` applied through the service."""
    found = next(r for r in alert_rules_ensure_defaults(tenant=tenant) if r.kind == kind)
    if changes:
        found = alert_rule_update(tenant=tenant, rule=found, **changes)
    return found


def only(tenant, kind, **changes) -> AlertRule:
    """Switch every rule off but the one of `kind` (so a test sees that rule alone)."""
    for each in alert_rules_ensure_defaults(tenant=tenant):
        if each.kind != kind:
            alert_rule_update(tenant=tenant, rule=each, enabled=False)
    return rule(tenant, kind, enabled=True, **changes)
