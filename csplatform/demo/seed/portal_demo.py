"""Demo customer portal: a personal link for the first contacts of accounts being onboarded,
a few questions asked from the portal (each with its task in the CSM's inbox), the first
one answered (its email recorded as sent: no mail leaves the seed, and the send that
follows the commit finds it sent), and the tenant's in-app checklist settings."""

from collections import Counter

from django.utils import timezone

from accounts.models import Contact, CustomerEmail, EmailStatus
from health.services.portal_questions import customer_question_answer, customer_question_ask
from onboarding.models import Plan, PlanStatus
from onboarding.services.embed import embed_origins_set
from onboarding.services.portal_links import portal_link_create
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

LINKS_AT_MOST = 20
QUESTIONS = [
    ("How do I invite the rest of my team?",
     "Open Settings, then Team, and add their addresses; each gets an invitation email."),
    ("Can we import our data from a spreadsheet instead of connecting the CRM?", None),
    ("Who should join the kickoff call from our side?", None),
]  # fmt: skip


def portal_demo(*, tenant: Tenant) -> Counter:
    rows = Counter()
    embed_origins_set(tenant=tenant, text="https://app.example.com")
    rows["onboarding.EmbedSettings"] = 1
    with tenant_scope(tenant):
        account_ids = list(
            Plan.objects.filter(status=PlanStatus.RUNNING)
            .order_by("account_id")
            .values_list("account_id", flat=True)[:LINKS_AT_MOST]
        )
        contacts = list(
            Contact.objects.filter(account_id__in=account_ids)
            .select_related("account")
            .order_by("account_id", "pk")
            .distinct("account_id")
        )
    for contact in contacts:
        portal_link_create(tenant=tenant, contact=contact)
        rows["onboarding.PortalLink"] += 1
    for contact, (text, answer) in zip(contacts, QUESTIONS, strict=False):
        question, _task = customer_question_ask(
            tenant=tenant, account=contact.account, contact=contact, text=text
        )
        rows["onboarding.PortalQuestion"] += 1
        if answer:
            customer_question_answer(
                tenant=tenant, question=question, text=answer, by=contact.account.owner
            )
            with tenant_scope(tenant):
                CustomerEmail.objects.filter(
                    pk=question.answer_email_id, status=EmailStatus.QUEUED
                ).update(status=EmailStatus.SENT, sent_at=timezone.now())
    return rows
