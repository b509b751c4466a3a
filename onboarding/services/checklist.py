"""The customer's view of an account's onboarding checklist, shared by the portal (a
contact's personal link) and the in-app checklist (the tenant's product): the running plan
(else the latest), its steps in the contact's language with help links and due dates, the
progress, and ticking a step as the customer.

A customer ticks only the steps the customer completes; CSM and automatic steps show who
completes them. Ticking twice changes nothing."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.models import Account, Contact
from onboarding.models import CompletedBy, Plan, PlanStatus, PlanStep, StepStatus
from onboarding.services.plans import Progress, plan_progress, step_complete
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


def help_url(article_key: str, *, tenant: Tenant, language: str = "") -> str:
    """Where a step's help link points: the key itself when it is an http(s) URL; else the
    tenant's help center article with that help key, in the contact's language when the help
    center has it (a key that cannot be part of an address gets no link)."""
    key = article_key.strip()
    if not key:
        return ""
    if key.startswith(("https://", "http://")):
        return key
    try:
        url = reverse("help-key", args=[tenant.slug, key])
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode({'lang': language})}" if language else url


@dataclass
class Checklist:
    account: Account
    plan: Plan | None
    steps: list[PlanStep] = field(default_factory=list)
    progress: Progress | None = None


def checklist_for(*, tenant: Tenant, account: Account, language: str) -> Checklist:
    """The account's running plan, else its latest one, with what the customer sees of each
    step as attributes: shown_title, shown_help, help_url, can_tick."""
    with tenant_scope(tenant):
        plans = Plan.objects.filter(account=account)
        plan = plans.filter(status=PlanStatus.RUNNING).first() or plans.first()
        steps = list(PlanStep.objects.filter(plan=plan)) if plan else []
    for step in steps:
        step.shown_title = step.title_in(language)
        step.shown_help = step.help_in(language)
        step.help_url = help_url(step.article_key, tenant=tenant, language=language)
        step.can_tick = step.status == StepStatus.OPEN and step.completed_by == CompletedBy.CUSTOMER
    return Checklist(
        account=account,
        plan=plan,
        steps=[step for step in steps if step.status != StepStatus.REMOVED],
        progress=plan_progress(plan, steps) if plan else None,
    )


def checklist_tick(
    *, tenant: Tenant, account: Account, step_id, contact: Contact | None
) -> list[str]:
    """Tick step `step_id` of the account's checklist as its customer; returns the milestones
    this tick reached (none for a second tick). Another account's step, or one the customer
    does not complete, raises ValidationError."""
    try:
        step_id = int(step_id)
    except (TypeError, ValueError):
        step_id = 0
    if not 0 < step_id < 2**63:
        raise ValidationError({"step": [_("No such step.")]})
    with tenant_scope(tenant):
        step = (
            PlanStep.objects.select_related("plan")
            .filter(pk=step_id, plan__account=account)
            .first()
        )
    if step is None:
        raise ValidationError({"step": [_("No such step.")]})
    if step.completed_by != CompletedBy.CUSTOMER:
        # step_complete refuses this for a contact; the in-app checklist may have none.
        raise ValidationError({"step": [_("This step is completed by your CSM or automatically.")]})
    with tenant_scope(tenant):  # the database's row-level security needs the tenant too
        before = set(plan_progress(step.plan).milestones)
    if not step_complete(tenant=tenant, step=step, contact=contact):
        return []
    with tenant_scope(tenant):
        after = plan_progress(step.plan).milestones
    return [name for name in after if name not in before]
