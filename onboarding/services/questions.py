""" "Ask your CSM" from the portal: a contact's question (plain text, kept as typed and
shown escaped everywhere), the CSM's answer, and the placeholders of the answer email.

The CSM's task for each question and the answer email are opened and queued by
health.services.portal_questions, which may reach both the inbox and this app."""

import re

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Contact, CustomerEmail
from onboarding.models import Plan, PlanStatus, PortalQuestion
from onboarding.models.question import ANSWER_MAX, QUESTION_MAX
from onboarding.services.portal_links import portal_url_for
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope

ANSWER_KEY = "portal-answer"  # the customer email template of answers
# Control characters other than tab and newline: invisible, and some break mail headers.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _plain(text, *, field: str, limit: int, empty: str) -> str:
    text = CONTROL.sub("", str(text or "")).replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field: [empty]})
    if len(text) > limit:
        raise ValidationError(
            {field: [_("At most %(count)d characters, please.") % {"count": limit}]}
        )
    return text


def question_ask(*, tenant: Tenant, account: Account, contact: Contact, text) -> PortalQuestion:
    """Record a contact's question about the account's onboarding."""
    text = _plain(text, field="text", limit=QUESTION_MAX, empty=_("Write your question."))
    with tenant_scope(tenant):
        plans = Plan.objects.filter(account=account)
        plan = plans.filter(status=PlanStatus.RUNNING).first() or plans.first()
        return PortalQuestion.objects.create(
            tenant=tenant, account=account, plan=plan, contact=contact, text=text
        )


def question_answer(
    *, tenant: Tenant, question: PortalQuestion, text, by: Membership | None
) -> PortalQuestion:
    """Store the CSM's answer (a later answer replaces it: a correction)."""
    text = _plain(text, field="answer", limit=ANSWER_MAX, empty=_("Write an answer."))
    question.answer, question.answered_at, question.answered_by = text, timezone.now(), by
    with tenant_scope(tenant):
        question.save(update_fields=["answer", "answered_at", "answered_by"])
    return question


def question_email_set(*, tenant: Tenant, question: PortalQuestion, email: CustomerEmail) -> None:
    question.answer_email = email
    with tenant_scope(tenant):
        question.save(update_fields=["answer_email"])


def contact_questions(contact: Contact, account: Account) -> QuerySet[PortalQuestion]:
    """The contact's questions about the account, newest first (inside tenant scope)."""
    return PortalQuestion.objects.filter(contact=contact, account=account)


def answer_email_values(tenant: Tenant, email: CustomerEmail, language: str) -> dict[str, str]:
    """The placeholders of an answer email: the question, the answer and the portal link."""
    with tenant_scope(tenant):
        question = (
            PortalQuestion.objects.select_related("contact").filter(answer_email=email).first()
        )
    if question is None:
        return {}
    contact = question.contact
    link = portal_url_for(tenant=tenant, contact=contact) if contact and contact.account_id else ""
    return {"question": question.text, "answer": question.answer, "portal_link": link}
