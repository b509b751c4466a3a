"""The per-tenant churn reason taxonomy, seeded with the defaults of the metric definitions."""

from accounts.models import Tenant
from metrics.models import ChurnReason
from metrics.models.churn import DEFAULT_CHURN_REASONS


def churn_reasons_ensure_defaults(*, tenant: Tenant) -> None:
    ChurnReason.objects.bulk_create(
        [ChurnReason(tenant=tenant, key=key, label=label) for key, label in DEFAULT_CHURN_REASONS],
        ignore_conflicts=True,
    )
