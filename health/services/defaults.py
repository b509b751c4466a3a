"""The scorecard every tenant starts with: the six default measures of the metric
definitions, each mapped to 0-100 with weights that add up to 100."""

from django.db import transaction
from django.utils.translation import gettext as _

from health.models import Scorecard, Source
from health.services.scorecards import scorecard_create
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

DEFAULT_PRIORITY = 1000

DEFAULT_MEASURES = [
    # 20 or more active days of the last 30 is full marks.
    {"source": Source.USAGE_FREQUENCY, "mapping": "linear", "low": 0, "high": 20, "weight": 25},
    # Half of the core features used in 30 days is full marks.
    {"source": Source.CORE_DEPTH, "mapping": "linear", "low": 0, "high": 50, "weight": 20},
    {"source": Source.FEATURE_BREADTH, "mapping": "linear", "low": 0, "high": 40, "weight": 10},
    # Usage down by half or more against the 30 days before scores 0; steady or growing, 100.
    {"source": Source.USAGE_TREND, "mapping": "linear", "low": -50, "high": 0, "weight": 20},
    {"source": Source.NPS_LATEST, "mapping": "linear", "low": 0, "high": 10, "weight": 15},
    {
        "source": Source.ONBOARDING_PROGRESS,
        "mapping": "linear",
        "low": 0,
        "high": 100,
        "weight": 10,
    },
]


@transaction.atomic
def scorecards_ensure_defaults(*, tenant: Tenant) -> Scorecard:
    """The tenant's default scorecard, created the first time (idempotent)."""
    with tenant_scope(tenant):
        defaults = Scorecard.objects.for_tenant(tenant).filter(is_default=True)
        existing = defaults.first()
        if existing is not None:
            return existing
        # The tenant row locked: two first calls at once create one default, not two.
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        existing = defaults.first()
        if existing is not None:
            return existing
        taken = set(Scorecard.objects.for_tenant(tenant).values_list("priority", flat=True))
        priority = DEFAULT_PRIORITY
        while priority in taken:
            priority += 1
        return scorecard_create(
            tenant=tenant,
            name=_("Default health score"),
            priority=priority,
            is_default=True,
            measures=[dict(m) for m in DEFAULT_MEASURES],
            note=_("Default scorecard"),
        )
