"""The per-tenant churn reason taxonomy, seeded with the defaults of the metric definitions."""

from metrics.models import ChurnReason
from metrics.models.churn import DEFAULT_CHURN_REASONS
from tenants.models import Tenant


def churn_reasons_ensure_defaults(*, tenant: Tenant) -> None:
    ChurnReason.objects.for_tenant(tenant).bulk_create(
        [ChurnReason(tenant=tenant, key=key, label=label) for key, label in DEFAULT_CHURN_REASONS],
        ignore_conflicts=True,
    )
