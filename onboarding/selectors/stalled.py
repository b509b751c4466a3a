"""The one definition of a stalled onboarding, read by the stalled-accounts page, the funnel
and the "stalled onboarding" alert rule of health.

A running plan is stalled on a day when a required open step is overdue by more than N days,
or when no step was completed for more than N days (counted from the plan's start while
none was). It is stalled since the first day either held; it is stuck on its first open
required step (the overdue one, when one is)."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q

from onboarding.models import Plan, PlanStatus, PlanStep, StepStatus
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

# The N of the pages (the alert rule has its own, tunable, with the same default).
STALL_DAYS = 7
OVERDUE, IDLE = "overdue", "idle"


@dataclass(frozen=True)
class Stall:
    plan: Plan  # with account (and its owner's user) and template selected
    step: PlanStep  # the step it is stuck on
    reason: str  # OVERDUE or IDLE
    since: date  # the first day it was stalled
    last_progress: date  # the last day a step was completed, else the plan's start

    @property
    def account(self):
        return self.plan.account


def stalled_plans(
    *, tenant: Tenant, today: date, days: int = STALL_DAYS, template_id: int | None = None
) -> list[Stall]:
    """The running plans stalled on `today` (the tenant's local day), longest stalled first,
    in three queries whatever their number."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    with tenant_scope(tenant):
        plans = Plan.objects.filter(status=PlanStatus.RUNNING)
        if template_id is not None:
            plans = plans.filter(template_id=template_id)
        plans = list(
            plans.select_related("account__owner__user", "template").annotate(
                last_done=Max("steps__done_at", filter=Q(steps__status=StepStatus.DONE))
            )
        )
        open_steps: dict[int, list[PlanStep]] = {}
        for step in PlanStep.objects.filter(
            plan__in=[plan.pk for plan in plans], status=StepStatus.OPEN, required=True
        ).order_by("plan_id", "position", "id"):
            open_steps.setdefault(step.plan_id, []).append(step)
    stalls = []
    for plan in plans:
        steps = open_steps.get(plan.pk)
        if not steps:
            continue
        last = plan.last_done.astimezone(zone).date() if plan.last_done else plan.started_on
        last = max(last, plan.started_on)
        idle_since = last + timedelta(days=days + 1)
        overdue = min(steps, key=lambda step: (step.due_on, step.position, step.pk))
        overdue_since = overdue.due_on + timedelta(days=days + 1)
        if overdue_since <= today and overdue_since <= idle_since:
            stalls.append(Stall(plan, overdue, OVERDUE, overdue_since, last))
        elif idle_since <= today:
            stalls.append(Stall(plan, steps[0], IDLE, idle_since, last))
    stalls.sort(key=lambda stall: (stall.since, stall.plan.pk))
    return stalls
