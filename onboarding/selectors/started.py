"""Which accounts' onboarding plans started when: read by health to start the check-in
playbooks (health may read onboarding; onboarding knows nothing of playbooks)."""

from datetime import date

from onboarding.models import Plan, PlanStatus
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


def plans_started_between(*, tenant: Tenant, first: date, last: date) -> list[tuple[int, date]]:
    """(account id, start day) of the plans that started from `first` to `last` (local days)
    and were not stopped, oldest first."""
    with tenant_scope(tenant):
        return list(
            Plan.objects.filter(started_on__range=(first, last))
            .exclude(status=PlanStatus.STOPPED)
            .order_by("started_on", "id")
            .values_list("account_id", "started_on")
        )
