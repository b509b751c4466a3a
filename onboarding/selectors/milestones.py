"""Reads of onboarding that the metrics build on: when each account reached a milestone
(activation and time to first value read them), and the open automatic steps waiting for
events."""

from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import F
from django.db.models.fields.json import KeyTextTransform

from onboarding.models import CompletedBy, PlanStatus, PlanStep, StepStatus
from onboarding.models.plan import Plan
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


def milestone_days(tenant: Tenant, milestone: str) -> tuple[dict[int, date], set[int]]:
    """(account -> the local day it first reached `milestone`, the accounts with a plan
    whose template names that milestone). For those accounts the plan decides; the others
    fall back to the tenant's event settings."""
    zone = ZoneInfo(tenant.time_zone)
    with tenant_scope(tenant):
        planned = set(
            # A plan stopped before the milestone leaves the account to the events.
            Plan.objects.filter(milestones__has_key=milestone)
            .exclude(status=PlanStatus.STOPPED)
            .values_list("account_id", flat=True)
        )
        done = (
            PlanStep.objects.filter(status=StepStatus.DONE, plan__milestones__has_key=milestone)
            .alias(milestone_key=KeyTextTransform(milestone, "plan__milestones"))
            .filter(milestone_key=F("key"))
            .values_list("plan__account_id", "done_at")
        )
        reached: dict[int, date] = {}
        for account, done_at in done:
            day = done_at.astimezone(zone).date()
            if account not in reached or day < reached[account]:
                reached[account] = day
    return reached, planned


def open_event_steps(
    tenant: Tenant, *, accounts: list[int] | None = None, names=None
) -> list[PlanStep]:
    """Open automatic event steps of running plans (of `accounts`, on `names`, where given),
    with their plan."""
    with tenant_scope(tenant):
        steps = PlanStep.objects.filter(
            status=StepStatus.OPEN, completed_by=CompletedBy.EVENT, plan__status=PlanStatus.RUNNING
        ).select_related("plan")
        if accounts is not None:
            steps = steps.filter(plan__account_id__in=accounts)
        if names is not None:
            steps = steps.filter(event_name__in=list(names))
        return list(steps.order_by("plan_id", "position"))
