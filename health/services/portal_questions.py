"""A customer's question from the onboarding portal lands in the CSM's task inbox, and the
CSM's answer goes back: stored on the question (the portal shows it), emailed to the
contact, and the task closed. Here because health may reach both the inbox and the
onboarding app, which may not reach health."""

from datetime import timedelta

from django.db import transaction
from django.utils import translation

from accounts.models import Account, Contact
from accounts.services.customer_email import customer_email_queue
from health.alert_words import customer_question as customer_question_words
from health.models import Task, TaskKind, TaskPriority, TaskStatus
from health.services.tasks import task_complete, task_open
from onboarding.models import PortalQuestion
from onboarding.services.question_emails import answer_emails_ensure
from onboarding.services.questions import (
    ANSWER_KEY,
    question_answer,
    question_ask,
    question_email_set,
)
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope

ANSWER_WITHIN_DAYS = 1  # a customer waiting for an answer: due the next day
TITLE_CHARS = 80


def condition_key(question: PortalQuestion) -> str:
    return f"portal-question:{question.pk}"


@transaction.atomic
def customer_question_ask(
    *, tenant: Tenant, account: Account, contact: Contact, text
) -> tuple[PortalQuestion, Task]:
    """Record the question and open its task for the account's CSM (the owner, else the
    tenant's fallback assignee), due the next day; both or neither."""
    question = question_ask(tenant=tenant, account=account, contact=contact, text=text)
    first_line = question.text.splitlines()[0]
    short = first_line if len(first_line) <= TITLE_CHARS else first_line[: TITLE_CHARS - 1] + "…"
    who = contact.name or contact.email or contact.external_id
    figures = {"question": question.pk, "who": who, "short": short, "text": question.text}
    with translation.override("en"):  # stored in English; shown in the reader's language
        title, reason = customer_question_words(figures)
    task, _created = task_open(
        tenant=tenant,
        account=account,
        title=title,
        reason=reason,
        figures=figures,
        kind=TaskKind.CUSTOMER_QUESTION,
        priority=TaskPriority.HIGH,
        condition_key=condition_key(question),
        due_on=tenant.today() + timedelta(days=ANSWER_WITHIN_DAYS),
    )
    return question, task


def question_for_task(task: Task) -> PortalQuestion | None:
    """The question a customer-question task was opened for (inside tenant scope)."""
    if task.kind != TaskKind.CUSTOMER_QUESTION:
        return None
    return (
        PortalQuestion.objects.select_related("contact", "account")
        .filter(pk=(task.figures or {}).get("question"), account_id=task.account_id)
        .first()
    )


@transaction.atomic
def customer_question_answer(
    *, tenant: Tenant, question: PortalQuestion, text, by: Membership | None
) -> PortalQuestion:
    """Answer the question: stored (the portal shows it), emailed to the contact once per
    question (a corrected answer is shown, not mailed again), and its task closed."""
    question_answer(tenant=tenant, question=question, text=text, by=by)
    if question.contact is not None and question.answer_email_id is None:
        answer_emails_ensure(tenant=tenant)
        email, _created = customer_email_queue(
            tenant=tenant,
            account=question.account,
            contact=question.contact,
            template_key=ANSWER_KEY,
            idempotency_key=f"portal-answer:{question.pk}",
            source="portal question",
        )
        question_email_set(tenant=tenant, question=question, email=email)
    with tenant_scope(tenant):
        task = Task.objects.filter(
            account_id=question.account_id,
            condition_key=condition_key(question),
            status=TaskStatus.OPEN,
        ).first()
    if task is not None:
        task_complete(tenant=tenant, task=task, by=by)
    return question
