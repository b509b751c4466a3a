"""Steps that complete themselves: an event step once its event has arrived N times since
the plan started, a trait step once the account's trait reaches its value.

Ingestion counts the events (metrics/services/onboarding_events.py) and hands the steps
whose count is reached to `steps_complete_auto`; account writes call `trait_steps_check`.
Either may run any number of times: a step completes once (`step_complete`)."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from accounts.models import Account
from onboarding.models import CompletedBy, PlanStatus, PlanStep, StepStatus
from onboarding.services.plans import step_complete
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


def steps_complete_auto(*, tenant: Tenant, steps: list[PlanStep], now: datetime | None = None):
    """Complete `steps` (automatic ones whose condition holds); returns how many this call
    completed."""
    now = now or timezone.now()
    return sum(step_complete(tenant=tenant, step=step, now=now) for step in steps)


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def trait_reached(value, wanted: str) -> bool:
    """A number reaches a number when at least as large (`seats` 10 reaches "5"); anything
    else when equal as text, case aside (`plan_tier` "Pro" reaches "pro", true reaches
    "true")."""
    if value is None:
        return False
    have, need = _number(value), _number(wanted)
    if have is not None and need is not None and have.is_finite() and need.is_finite():
        return have >= need
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return text.strip().casefold() == wanted.strip().casefold()


def trait_steps_check_many(*, tenant: Tenant, accounts, now: datetime | None = None) -> int:
    """`trait_steps_check` of every account of a queryset (a CSV import), reading their open
    trait steps in one query."""
    with tenant_scope(tenant):
        steps = list(
            PlanStep.objects.filter(
                plan__account__in=accounts,
                plan__status=PlanStatus.RUNNING,
                status=StepStatus.OPEN,
                completed_by=CompletedBy.TRAIT,
            ).select_related("plan__account")
        )
    due = [
        step for step in steps
        if trait_reached((step.plan.account.traits or {}).get(step.trait_name), step.trait_value)
    ]  # fmt: skip
    return steps_complete_auto(tenant=tenant, steps=due, now=now) if due else 0


def trait_steps_check(*, tenant: Tenant, account: Account, now: datetime | None = None) -> int:
    """Complete the account's open trait steps whose trait has reached its value; returns
    how many this call completed."""
    with tenant_scope(tenant):
        steps = list(
            PlanStep.objects.filter(
                plan__account=account,
                plan__status=PlanStatus.RUNNING,
                status=StepStatus.OPEN,
                completed_by=CompletedBy.TRAIT,
            )
        )
    traits = account.traits or {}
    due = [step for step in steps if trait_reached(traits.get(step.trait_name), step.trait_value)]
    return steps_complete_auto(tenant=tenant, steps=due, now=now) if due else 0
