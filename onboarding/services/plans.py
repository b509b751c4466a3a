"""Onboarding plans: starting one for an account from the template that fits it, ticking a
step (once, whoever ticks it again), and the plan's progress and milestones."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Contact, Subscription
from metrics import changes as metrics_changes
from onboarding.models import (
    CompletedBy,
    Milestone,
    OnboardingTemplate,
    Plan,
    PlanStatus,
    PlanStep,
    StepStatus,
)
from onboarding.services.defaults import templates_ensure_defaults
from onboarding.services.templates import COPIED
from onboarding.webhook_events import milestones_announce, step_completed_emit
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope
from tenants.tenancy.outbox import enqueue_on_commit


def template_for(tenant: Tenant, account: Account) -> OnboardingTemplate | None:
    """The first template, in priority order, whose plan and segment (where set) match the
    account's latest subscription plan and segment; else the default one."""
    with tenant_scope(tenant):
        plan_name = (
            Subscription.objects.filter(account=account)
            .order_by("-start_date", "-id")
            .values_list("plan", flat=True)
            .first()
        ) or ""
        templates = list(OnboardingTemplate.objects.order_by("priority", "name", "id"))
    for template in templates:
        if template.is_default or not (template.plan or template.segment):
            continue
        if template.plan and template.plan != plan_name:
            continue
        if template.segment and template.segment != account.segment:
            continue
        return template
    return next((t for t in templates if t.is_default), None)


def plan_start(
    *,
    tenant: Tenant,
    account: Account,
    template: OnboardingTemplate | None = None,
    day: date | None = None,
    started_by: Membership | None = None,
) -> tuple[Plan, bool]:
    """Start the account's plan (the running one, False, if it has one). Raises
    ValidationError when no template fits."""
    template = template or template_for(tenant, account)
    if template is None:
        raise ValidationError({"template": [_("No onboarding template fits this account.")]})
    day = day or tenant.today()
    with tenant_scope(tenant):
        running = Plan.objects.filter(account=account, status=PlanStatus.RUNNING).first()
        if running is not None:
            return running, False
        try:
            with transaction.atomic():
                plan = Plan.objects.create(
                    tenant=tenant, account=account, template=template,
                    template_version=template.version, milestones=template.milestones,
                    started_on=day, started_by=started_by,
                )  # fmt: skip
                PlanStep.objects.bulk_create(
                    PlanStep(
                        tenant=tenant,
                        plan=plan,
                        key=step.key,
                        position=step.position,
                        due_on=day + timedelta(days=step.due_days),
                        **{name: getattr(step, name) for name in COPIED},
                    )  # fmt: skip
                    for step in template.steps.all()
                )
                # The welcome emails, once the plan is there for their links to show.
                from onboarding.tasks import welcome_emails_send

                enqueue_on_commit(welcome_emails_send, tenant, plan.pk)
            # The plan's milestones now decide the account's activation, not the events.
            metrics_changes.onboarding_changed(tenant=tenant, since=_cohort_start(plan))
        except IntegrityError:  # started meanwhile by someone else
            return Plan.objects.get(account=account, status=PlanStatus.RUNNING), False
    from onboarding.services.auto_steps import trait_steps_check  # it ticks through here

    trait_steps_check(tenant=tenant, account=account)
    return plan, True


def _cohort_start(plan: Plan) -> date:
    """The first day of the account's signup cohort (its first term's start), whose
    activation and time to first value the plan's milestones decide (inside tenant scope)."""
    first = (
        Subscription.objects.filter(account_id=plan.account_id)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return min(first or plan.started_on, plan.started_on)


@dataclass(frozen=True)
class Progress:
    done: int  # required steps done
    required: int  # required steps (removed ones aside)
    milestones: dict[str, datetime]  # milestone -> when it was reached

    @property
    def milestones_in_order(self) -> list[tuple[str, datetime]]:
        """(milestone, when) in the order of the customer's journey."""
        return [
            (name, self.milestones[name]) for name in Milestone.values if name in self.milestones
        ]

    @property
    def percent(self) -> int:
        return 100 if not self.required else round(self.done * 100 / self.required)


def plan_progress(plan: Plan, steps: list[PlanStep] | None = None) -> Progress:
    if steps is None:
        steps = list(PlanStep.objects.for_tenant(plan.tenant).filter(plan=plan))
    live = [step for step in steps if step.required and step.status != StepStatus.REMOVED]
    done_at = {step.key: step.done_at for step in steps if step.status == StepStatus.DONE}
    reached = {name: done_at[key] for name, key in plan.milestones.items() if key in done_at}
    return Progress(
        done=sum(1 for step in live if step.status == StepStatus.DONE),
        required=len(live),
        milestones=reached,
    )


def step_complete(
    *,
    tenant: Tenant,
    step: PlanStep,
    contact: Contact | None = None,
    member: Membership | None = None,
    now: datetime | None = None,
) -> bool:
    """Tick a step; True when this call ticked it (a second tick changes nothing). A contact
    ticks only steps the customer completes; automatic steps complete themselves."""
    if contact is not None and step.completed_by != CompletedBy.CUSTOMER:
        raise ValidationError({"step": [_("This step is completed by your CSM or automatically.")]})
    if step.status == StepStatus.REMOVED:
        raise ValidationError({"step": [_("This step was removed from the checklist.")]})
    now = now or timezone.now()
    with tenant_scope(tenant), transaction.atomic():
        # The plan first, as a template edit locks it: the two take turns, never deadlock.
        plan = Plan.objects.select_for_update().filter(pk=step.plan_id).first()
        ticked = PlanStep.objects.filter(pk=step.pk, status=StepStatus.OPEN).update(
            status=StepStatus.DONE, done_at=now, done_by_contact=contact, done_by_member=member
        )
        if ticked:
            step.status, step.done_at = StepStatus.DONE, now
            plan = plan_complete_if_done(step.plan_id, now)
            if step.key in plan.milestones.values():
                metrics_changes.onboarding_changed(tenant=tenant, since=_cohort_start(plan))
            # Webhook events, sent once this transaction commits (once: the tick is once).
            step_completed_emit(tenant=tenant, plan=plan, step=step, contact=contact, member=member)
            names = [name for name, key in plan.milestones.items() if key == step.key]
            milestones_announce(tenant=tenant, plan=plan, names=names)
    return bool(ticked)


def plan_complete_if_done(plan_id: int, now: datetime) -> Plan:
    """Mark the plan completed once every required step is done (inside tenant scope);
    returns the plan."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if plan.status != PlanStatus.RUNNING:
        return plan
    if plan_progress(plan).percent == 100:
        plan.status, plan.completed_at = PlanStatus.COMPLETED, now
        plan.save(update_fields=["status", "completed_at"])
    return plan


# A customer whose first term started longer ago than this is past onboarding: no plan is
# started for it by itself (a CSM still can).
START_WITHIN_DAYS = 30


def plans_start_due(*, tenant: Tenant, today: date | None = None) -> list[Plan]:
    """Start a plan for each account whose first term started in the last
    START_WITHIN_DAYS days (up to today) and that never had a plan. Idempotent."""
    today = today or tenant.today()
    templates_ensure_defaults(tenant=tenant)  # every tenant starts with them
    with tenant_scope(tenant):
        firsts = (
            Subscription.objects.order_by("account_id", "start_date")
            .distinct("account_id")
            .values_list("account_id", "start_date")
        )
        due = {
            account: start
            for account, start in firsts
            if today - timedelta(days=START_WITHIN_DAYS) <= start <= today
        }
        planned = set(
            Plan.objects.filter(account_id__in=list(due)).values_list("account_id", flat=True)
        )
        accounts = Account.objects.filter(pk__in=[a for a in due if a not in planned])
        accounts = list(accounts.order_by("pk"))
    started = []
    for account in accounts:
        try:
            plan, created = plan_start(tenant=tenant, account=account, day=due[account.pk])
        except ValidationError:
            continue  # no template fits it
        if created:
            started.append(plan)
    return started
