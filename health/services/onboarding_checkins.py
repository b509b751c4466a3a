"""The CSM's onboarding check-ins: the playbooks triggered by "onboarding plan started" (by
default "Onboarding check-ins", tasks on days 7, 30, 60 and 90) start on each account whose
plan started, from the plan's start day, so their days count from it.

Onboarding cannot call health, so health looks: the hourly playbook job picks up the plans
that started, or were made, in the last PICK_UP_DAYS days (a plan dated back further counts
its check-ins from the day it was made). An account that ever ran such a playbook from
that start on (even one stopped by hand) is not started again."""

from collections import defaultdict
from datetime import date, timedelta

from health.models import Playbook, PlaybookRun, PlaybookTrigger
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.playbooks import playbooks_start_for_rules
from onboarding.selectors.started import plans_started_between
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

# Long enough to cover a few missed hourly runs; a plan found later than this is left alone,
# or its playbook would open all its past check-ins at once.
PICK_UP_DAYS = 3
PLAN_STARTED = PlaybookTrigger.PLAN_STARTED.value


def onboarding_checkins_start(*, tenant: Tenant, today: date) -> list[PlaybookRun]:
    """Start the plan-started playbooks on the accounts whose plan started recently and
    that have not run them since; returns the runs started. Idempotent."""
    started = plans_started_between(
        tenant=tenant, first=today - timedelta(days=PICK_UP_DAYS), last=today
    )
    if not started:
        return []
    playbooks_ensure_defaults(tenant=tenant)  # a plan may start before anyone opened a page
    with tenant_scope(tenant):
        if not Playbook.objects.filter(enabled=True, trigger=PLAN_STARTED).exists():
            return []
    with tenant_scope(tenant):
        ran: dict[int, date] = {}
        for account, on in PlaybookRun.objects.filter(
            trigger_kind=PLAN_STARTED, account_id__in={row[0] for row in started}
        ).values_list("account_id", "started_on"):
            ran[account] = max(on, ran.get(account, on))
    by_day: dict[date, list[tuple[int, str]]] = defaultdict(list)
    for account, plan_start, count_from in started:
        # A run since this plan's start (even one stopped by hand) means it has its check-ins.
        if account not in ran or ran[account] < plan_start:
            by_day[count_from].append((account, PLAN_STARTED))
    runs = []
    for day, fired in sorted(by_day.items()):
        runs += playbooks_start_for_rules(tenant=tenant, fired=fired, day=day)
    return runs
