"""NPS surveys: creating and changing them (with the errors a form or the API shows per
field), starting a send to the audience, inviting the audience in batches in Celery (each
contact once, the throttle and unsubscribes honoured), the one reminder, and recording an
answer as an ordinary NPS answer.

A send fixes its audience when it starts and invites it BATCH contacts per task, each batch
in one transaction with its progress, so a redelivered task or a killed worker invites no
one twice and the progress view counts what is really done."""

import calendar
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    Account,
    Contact,
    LifecycleStage,
    NpsResponse,
    SendStatus,
    Survey,
    SurveyInvite,
    SurveySend,
    SurveyStatus,
)
from accounts.models.account import CONTACT_LANGUAGES
from accounts.services.customer_email import EmailRequest, customer_emails_queue_new
from accounts.services.nps import nps_response_record
from accounts.services.survey_emails import survey_templates_ensure
from accounts.services.survey_links import (
    INVITE_KEY,
    REMINDER_KEY,
    invite_token,
    token_sha256,
)
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope
from tenants.tenancy.outbox import enqueue_on_commit

BATCH = 200
THROTTLE_LOCK = 7_301  # advisory lock namespace of survey batches (with the tenant's id)
LANGUAGES = tuple(code for code, _name in CONTACT_LANGUAGES)  # the contacts' languages
FIELDS = (
    "name", "question", "segment", "lifecycle_stage", "account_ids", "every_months",
    "throttle_days", "link_days", "reminder_days", "status", "next_send_on",
)  # fmt: skip


AUDIENCE = ("segment", "lifecycle_stage", "account_ids")


def _clean(tenant: Tenant, survey: Survey, audience_changed: bool = True) -> None:
    """Every field's errors at once, as {field: [messages]}. The audience is checked when it
    is set or changed: a survey whose accounts churned can still be paused or renamed."""
    errors: dict[str, list[str]] = {}
    try:
        survey.full_clean(exclude=["tenant", "question", "account_ids"])
    except ValidationError as error:
        errors.update(error.message_dict)
    question = survey.question
    if not isinstance(question, dict) or not str(question.get("en") or "").strip():
        errors.setdefault("question", []).append(_("The question in English is required."))
    elif set(question) - set(LANGUAGES):
        errors.setdefault("question", []).append(
            _("Languages are %(known)s.") % {"known": ", ".join(LANGUAGES)}
        )
    elif any(not isinstance(text, str) or len(text) > 500 for text in question.values()):
        errors.setdefault("question", []).append(
            _("Each question is text of 500 characters or fewer.")
        )
    accounts = Account.objects.for_tenant(tenant)
    ids = survey.account_ids
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        errors.setdefault("account_ids", []).append(_("A list of account ids."))
        ids = []
    elif ids:
        missing = sorted(set(ids) - set(accounts.filter(pk__in=ids).values_list("pk", flat=True)))
        if missing:
            errors.setdefault("account_ids", []).append(
                _("No account of this tenant has the id %(ids)s.")
                % {"ids": ", ".join(map(str, missing[:10]))}
            )
    if audience_changed and survey.segment and not accounts.filter(segment=survey.segment).exists():
        errors.setdefault("segment", []).append(
            _("No account is in the segment “%(segment)s”.") % {"segment": survey.segment}
        )
    if survey.lifecycle_stage == LifecycleStage.CHURNED:
        errors.setdefault("lifecycle_stage", []).append(_("Churned accounts are not surveyed."))
    if audience_changed and not errors and not audience(tenant, survey).exists():
        # On the narrowest filter given: the one to widen.
        field = next(
            (
                name
                for name in ("account_ids", "lifecycle_stage", "segment")
                if getattr(survey, name)
            ),
            "segment",
        )
        errors.setdefault(field, []).append(
            _("No contact with an email address matches this audience.")
        )
    if errors:
        raise ValidationError(errors)


def audience(tenant: Tenant, survey: Survey):
    """The contacts a send of `survey` would ask: of the accounts matching its audience,
    with an email address, never unsubscribed, and not of churned accounts."""
    accounts = Account.objects.for_tenant(tenant).exclude(lifecycle_stage=LifecycleStage.CHURNED)
    if survey.segment:
        accounts = accounts.filter(segment=survey.segment)
    if survey.lifecycle_stage:
        accounts = accounts.filter(lifecycle_stage=survey.lifecycle_stage)
    if survey.account_ids:
        accounts = accounts.filter(pk__in=survey.account_ids)
    return (
        Contact.objects.for_tenant(tenant)
        .filter(account__in=accounts, email_unsubscribed_at__isnull=True)
        .exclude(email="")
        .order_by("pk")
    )


@transaction.atomic
def survey_create(*, tenant: Tenant, **values) -> Survey:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown survey fields: {sorted(unknown)}")
    survey = Survey(tenant=tenant, **values)  # no next send day: sent by hand only
    with tenant_scope(tenant):
        _clean(tenant, survey)
        survey.save()
    survey_templates_ensure(tenant=tenant)
    return survey


@transaction.atomic
def survey_update(*, tenant: Tenant, survey: Survey, **values) -> Survey:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown survey fields: {sorted(unknown)}")
    changed = any(
        name in AUDIENCE and getattr(survey, name) != value for name, value in values.items()
    )
    for name, value in values.items():
        setattr(survey, name, value)
    with tenant_scope(tenant):
        _clean(tenant, survey, audience_changed=changed)
        survey.save()
    return survey


def _recently_asked(tenant: Tenant, contact_ids: list[int], days: int, now) -> set[int]:
    if not days or not contact_ids:
        return set()
    return set(
        SurveyInvite.objects.for_tenant(tenant)
        .filter(contact_id__in=contact_ids, created_at__gt=now - timedelta(days=days))
        .values_list("contact_id", flat=True)
    )


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


@transaction.atomic
def survey_send_start(*, tenant: Tenant, survey: Survey, now=None) -> SurveySend:
    """Start a send: the audience is fixed now, and Celery invites it in batches after
    commit. The survey's next send moves on by its cadence (a one-off survey has none)."""
    now = now or timezone.now()
    with tenant_scope(tenant):
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        every = survey.every_months
        survey.next_send_on = add_months(tenant.today(), every) if every else None
        survey.save(update_fields=["next_send_on", "updated_at"])
        running = SurveySend.objects.filter(
            survey=survey, status__in=[SendStatus.QUEUED, SendStatus.SENDING]
        ).first()
        if running is not None:  # a second start while one runs starts nothing
            return running
        contact_ids = list(audience(tenant, survey).values_list("pk", flat=True))
        send = SurveySend.objects.create(tenant=tenant, survey=survey, contact_ids=contact_ids)
    from accounts.tasks import survey_send_batch_task

    enqueue_on_commit(survey_send_batch_task, tenant, send.pk)
    return send


def survey_send_batch(*, tenant: Tenant, send_id: int, now=None) -> int:
    """Invite the send's next BATCH contacts (those asked within the survey's throttle are
    left out, counted); returns how many are left. Queues the next batch after commit."""
    now = now or timezone.now()
    with tenant_scope(tenant), transaction.atomic():
        # The tenant's batches take turns: the throttle sees every invitation committed
        # before it, whichever survey's, so two sends at once never ask a contact twice.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [THROTTLE_LOCK, tenant.pk])
        send = (
            SurveySend.objects.select_for_update()
            .select_related("survey")
            .filter(pk=send_id)
            .first()
        )
        if send is None or send.status == SendStatus.DONE:
            return 0
        survey = send.survey
        chunk = send.contact_ids[send.processed : send.processed + BATCH]
        asked = _recently_asked(tenant, chunk, survey.throttle_days, now)
        contacts = {
            contact.pk: contact
            for contact in Contact.objects.select_related("account")
            .filter(pk__in=[pk for pk in chunk if pk not in asked])
            .exclude(email="")
        }
        invites = [
            SurveyInvite(
                tenant=tenant,
                send=send,
                contact=contact,
                account=contact.account,
                token_sha256=token_sha256(invite_token(tenant.pk, send.pk, pk)),
                expires_at=now + timedelta(days=survey.link_days),
            )
            for pk, contact in contacts.items()
        ]
        SurveyInvite.objects.bulk_create(invites, ignore_conflicts=True)
        invites = list(
            SurveyInvite.objects.select_related("contact", "account").filter(
                send=send, contact_id__in=list(contacts), email__isnull=True
            )
        )
        _email(tenant, invites, survey, INVITE_KEY, "email")
        send.processed += len(chunk)
        send.throttled += len(set(chunk) - set(contacts))
        send.status = SendStatus.SENDING
        left = send.total - send.processed
        if left <= 0:
            send.status, send.finished_at = SendStatus.DONE, now
        send.save(update_fields=["processed", "throttled", "status", "finished_at"])
        if left > 0:
            from accounts.tasks import survey_send_batch_task

            enqueue_on_commit(survey_send_batch_task, tenant, send.pk)
    return max(left, 0)


def _email(tenant, invites: list[SurveyInvite], survey: Survey, key: str, field: str) -> None:
    """Queue one email of `key` per invitation (in bulk) and link it on the invitation."""
    requests = [
        EmailRequest(
            account=invite.account,
            contact=invite.contact,
            template_key=key,
            idempotency_key=f"survey:{invite.send_id}:{invite.contact_id}:{key}",
            source=f"survey:{survey.pk}",
        )
        for invite in invites
    ]
    emails = customer_emails_queue_new(tenant=tenant, requests=requests)
    for invite, email in zip(invites, emails, strict=True):
        setattr(invite, field, email)
    SurveyInvite.objects.for_tenant(tenant).bulk_update(invites, [field])


def survey_reminders_send(*, tenant: Tenant, now=None) -> int:
    """The one reminder of each finished send whose survey reminds, `reminder_days` after
    it finished, to the invited contacts who have not answered and whose link still works.
    Returns how many reminders were queued. Idempotent."""
    now = now or timezone.now()
    queued = 0
    with tenant_scope(tenant):
        sends = list(
            SurveySend.objects.select_related("survey").filter(
                status=SendStatus.DONE,
                reminded_at__isnull=True,
                survey__reminder_days__isnull=False,
                survey__status=SurveyStatus.ACTIVE,
            )
        )
    for send in sends:
        if send.finished_at + timedelta(days=send.survey.reminder_days) > now:
            continue
        with tenant_scope(tenant), transaction.atomic():
            locked = SurveySend.objects.select_for_update().filter(
                pk=send.pk, reminded_at__isnull=True
            )
            if not locked.exists():
                continue
            invites = list(
                SurveyInvite.objects.select_related("contact", "account").filter(
                    send=send, answer__isnull=True, reminder__isnull=True, expires_at__gt=now
                )
            )
            _email(tenant, invites, send.survey, REMINDER_KEY, "reminder")
            locked.update(reminded_at=now)
            queued += len(invites)
    return queued


def surveys_due(*, tenant: Tenant) -> list[SurveySend]:
    """Start the sends of the active surveys whose next send is due (the tenant's local
    today); each survey once, whoever else runs this."""
    started = []
    with tenant_scope(tenant):
        due = list(
            Survey.objects.filter(
                status=SurveyStatus.ACTIVE, next_send_on__lte=tenant.today()
            ).values_list("pk", flat=True)
        )
    for pk in due:
        with tenant_scope(tenant), transaction.atomic():
            survey = (
                Survey.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, next_send_on__lte=tenant.today(), status=SurveyStatus.ACTIVE)
                .first()
            )
            if survey is not None:
                started.append(survey_send_start(tenant=tenant, survey=survey))
    return started


def survey_answer(
    *, invite: SurveyInvite, score: int, comment: str | None = None, now=None
) -> NpsResponse:
    """Record the invited contact's answer: an NPS answer keyed by the invitation, so
    answering again within the same send replaces it (a comment left out keeps the one
    given before)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValidationError({"score": _("A score is a whole number from 0 to 10.")})
    if comment is not None and len(comment) > 5000:
        raise ValidationError({"comment": _("At most 5,000 characters.")})
    if comment is not None and "\x00" in comment:
        raise ValidationError({"comment": _("The text holds a character that is not allowed.")})
    now = now or timezone.now()
    tenant = invite.tenant
    with tenant_scope(tenant), transaction.atomic():
        values = {"contact": invite.contact, "account": invite.account, "score": score,
                  "answered_at": now}  # fmt: skip
        if comment is not None:
            values["comment"] = comment.strip()
        answer, _created = nps_response_record(
            tenant=tenant, external_id=f"survey-invite-{invite.pk}", **values
        )
        SurveyInvite.objects.filter(pk=invite.pk).update(answer=answer, answered_at=now)
        invite.answer, invite.answered_at = answer, now
    return answer
