"""Which accounts' onboarding plans started when: read by health to start the check-in
playbooks (health may read onboarding; onboarding knows nothing of playbooks)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Q

from onboarding.models import Plan, PlanStatus
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


def plans_started_between(
    *, tenant: Tenant, first: date, last: date
) -> list[tuple[int, date, date]]:
    """(account id, the plan's start day, the day its check-ins count from) of the plans not
    stopped that started, or were made, from `first` to `last` (local days), oldest first.
    The check-ins count from the plan's start day when it is in that range; a plan made
    then but dated back to a term that began weeks before (an import, a late sync) counts
    them from the day it was made, rather than opening the past ones all at once."""
    zone = ZoneInfo(tenant.time_zone)
    since = datetime.combine(first, time(), zone)
    with tenant_scope(tenant):
        rows = (
            Plan.objects.filter(Q(started_on__range=(first, last)) | Q(created_at__gte=since))
            .exclude(status=PlanStatus.STOPPED)
            .values_list("account_id", "started_on", "created_at")
        )
        found = []
        for account, started_on, created_at in rows:
            made = created_at.astimezone(zone).date()
            count_from = started_on if first <= started_on <= last else made
            if first <= count_from <= last:
                found.append((account, started_on, count_from))
    return sorted(found, key=lambda row: (row[2], row[0]))
