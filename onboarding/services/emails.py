"""Onboarding's emails to the customer's contacts, sent through accounts' customer emails
(templates per tenant and language, unsubscribe footer, the account's email log):

- the welcome, to each contact of the account when its plan starts (queued after the plan's
  commit), with the contact's personal link to the checklist;
- a reminder of each open step the customer completes that is due within REMIND_DAYS_BEFORE
  days or overdue, once per step and contact however often it runs (the email's
  idempotency key names both).

`email_values` makes the placeholders of both when an email is sent (registered with
accounts.services.email_values by the app's config)."""

import re
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import date_format

from accounts.models import Contact, CustomerEmail
from accounts.services.customer_email import (
    EmailRequest,
    customer_email_queue,
    customer_emails_queue_new,
    email_templates_add,
)
from onboarding.models import CompletedBy, Plan, PlanStatus, PlanStep, StepStatus
from onboarding.services.email_texts import ONBOARDING_EMAILS, STEP_DUE_KEY, WELCOME_KEY
from onboarding.services.portal_links import portal_url_for
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

# A step due within this many days (or overdue) is reminded.
REMIND_DAYS_BEFORE = 2
PLAN_SOURCE, STEP_SOURCE = "onboarding-plan:", "onboarding-step:"
PLAN_STEP_SOURCE = re.compile(r"^onboarding-(plan|step):(\d+)$")


def onboarding_emails_ensure(*, tenant: Tenant) -> int:
    """Add the onboarding email templates the tenant does not have (its edits stay)."""
    return email_templates_add(tenant=tenant, emails=ONBOARDING_EMAILS)


def welcome_emails_queue(*, tenant: Tenant, plan_ids: list[int]) -> int:
    """Queue the welcome email to each contact of each plan's account; returns how many
    were queued now (none the second time)."""
    onboarding_emails_ensure(tenant=tenant)
    with tenant_scope(tenant):
        plans = list(Plan.objects.filter(pk__in=plan_ids).select_related("account").order_by("pk"))
        contacts = _contacts_by_account({plan.account_id for plan in plans})
        requests = [
            EmailRequest(
                account=plan.account,
                contact=contact,
                template_key=WELCOME_KEY,
                idempotency_key=f"onboarding-welcome:{plan.pk}:contact:{contact.pk}",
                source=f"{PLAN_SOURCE}{plan.pk}",
            )
            for plan in plans
            for contact in contacts.get(plan.account_id, [])
        ]
    return _queue_new(tenant, requests)


def step_reminder_key(step_id: int, contact_id: int) -> str:
    return f"onboarding-step-due:{step_id}:contact:{contact_id}"


def step_reminders_queue(*, tenant: Tenant, today: date | None = None) -> int:
    """Queue a reminder to each contact of the account for each open customer step of a
    running plan due by today + REMIND_DAYS_BEFORE, unless it was reminded before; in a
    constant number of queries. Returns how many were queued."""
    today = today or tenant.today()
    onboarding_emails_ensure(tenant=tenant)
    with tenant_scope(tenant):
        steps = list(
            PlanStep.objects.filter(
                status=StepStatus.OPEN,
                completed_by=CompletedBy.CUSTOMER,
                plan__status=PlanStatus.RUNNING,
                due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
            )
            .select_related("plan__account")
            .order_by("due_on", "id")
        )
        contacts = _contacts_by_account({step.plan.account_id for step in steps})
        requests = [
            EmailRequest(
                account=step.plan.account,
                contact=contact,
                template_key=STEP_DUE_KEY,
                idempotency_key=step_reminder_key(step.pk, contact.pk),
                source=f"{STEP_SOURCE}{step.pk}",
            )
            for step in steps
            for contact in contacts.get(step.plan.account_id, [])
        ]
    return _queue_new(tenant, requests)


def _contacts_by_account(account_ids: set[int]) -> dict[int, list[Contact]]:
    contacts: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(account_id__in=account_ids).order_by("id"):
        contacts.setdefault(contact.account_id, []).append(contact)
    return contacts


def _queue_new(tenant: Tenant, requests: list[EmailRequest]) -> int:
    """Queue the emails of `requests` whose keys were never queued, in bulk; returns how
    many were queued."""
    with tenant_scope(tenant):
        queued = set(
            CustomerEmail.objects.filter(
                idempotency_key__in=[r.idempotency_key for r in requests]
            ).values_list("idempotency_key", flat=True)
        )
        new = [r for r in requests if r.idempotency_key not in queued]
        try:
            with transaction.atomic():
                return len(customer_emails_queue_new(tenant=tenant, requests=new))
        except IntegrityError:
            # Another run queued some of them meanwhile: one at a time, each once.
            return sum(
                customer_email_queue(
                    tenant=tenant, account=r.account, contact=r.contact,
                    template_key=r.template_key, idempotency_key=r.idempotency_key,
                    source=r.source,
                )[1]
                for r in new
            )  # fmt: skip


def email_values(tenant: Tenant, email: CustomerEmail, language: str) -> dict[str, str]:
    """The onboarding placeholders of `email`: the contact's portal link, and for a step
    reminder the step's title and due day in `language` (the template's)."""
    match = PLAN_STEP_SOURCE.match(email.source or "")
    if match is None or email.contact is None or not email.contact.account_id:
        return {}
    values = {"portal_link": portal_url_for(tenant=tenant, contact=email.contact)}
    if match.group(1) == "step":
        with tenant_scope(tenant):
            step = PlanStep.objects.filter(pk=int(match.group(2))).first()
        if step is not None:
            with translation.override(language):
                values["step_due"] = date_format(step.due_on)
            values["step_title"] = step.title_in(language)
    return values
