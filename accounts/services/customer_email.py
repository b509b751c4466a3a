"""Emails to a tenant's customers (contacts): templates in the contact's language, the
unsubscribe link every later email honours, and sending through Celery with a log row per
email. Playbooks and surveys queue emails with `customer_email_queue`; the task sends them.

Placeholders are a plain `{{ name }}` substitution from a fixed list, never the template
engine: a template a tenant writes cannot reach tags, filters or attributes.
"""

import hashlib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Account, Contact, CustomerEmail, EmailStatus, EmailTemplate
from accounts.services.email_values import extra_placeholders, kind_for
from accounts.services.survey_links import LINK_PLACEHOLDERS, SURVEY_KEYS, survey_email_values
from tenants.models import Tenant
from tenants.tenancy.context import cross_tenant, tenant_scope
from tenants.tenancy.outbox import enqueue_many_on_commit, enqueue_on_commit

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
PLACEHOLDERS = (
    "contact_name", "account_name", "csm_name", "csm_email", "company_name",
    # Survey emails only (accounts.services.survey_links): empty in any other.
    "survey_question", "survey_link", "score_links",
)  # fmt: skip
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
UNSUBSCRIBE_SALT = "accounts.customer_email.unsubscribe"


def template_validate(text: str, field: str) -> None:
    """Refuse placeholders outside PLACEHOLDERS and template tags (`{%`), naming `field`."""
    known = known_placeholders()
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in known})
    if unknown:
        raise ValidationError(
            {
                field: _("Unknown placeholders: %(names)s. Use: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(known)}
            }
        )
    if "{%" in text:
        raise ValidationError({field: _("Only {{ placeholders }} are allowed, not {% tags %}.")})


def known_placeholders() -> tuple[str, ...]:
    """PLACEHOLDERS and those the apps above accounts registered for their emails."""
    return tuple(dict.fromkeys(PLACEHOLDERS + extra_placeholders()))


def survey_template_validate(key: str, body: str) -> None:
    """A survey email without its link could not be answered: refuse it, naming `body`
    (and so for the links other apps' emails must keep, accounts.services.email_values)."""
    used = set(PLACEHOLDER.findall(body))
    kind = kind_for(key)
    if kind is not None and kind.required and not used & set(kind.required):
        names = " ".join("{{ " + name + " }}" for name in kind.required)
        raise ValidationError(
            {"body": _("This email needs the %(names)s placeholder.") % {"names": names}}
        )
    if key in SURVEY_KEYS and not used & set(LINK_PLACEHOLDERS):
        raise ValidationError(
            {
                "body": _(
                    "A survey email needs the {{ survey_link }} or {{ score_links }} placeholder."
                )
            }
        )


def template_render(text: str, values: dict[str, str]) -> str:
    """`text` with each known `{{ name }}` replaced by its value (plain text, no escaping)."""
    known = known_placeholders()
    return PLACEHOLDER.sub(
        lambda m: str(values.get(m.group(1), "")) if m.group(1) in known else m.group(0),
        text,
    )


def email_template_for(*, tenant: Tenant, key: str, language: str) -> EmailTemplate | None:
    """The template `key` in `language`, else in English, else None."""
    with tenant_scope(tenant):
        found = {
            t.language: t
            for t in EmailTemplate.objects.filter(
                key=key, language__in={language or DEFAULT_LANGUAGE, DEFAULT_LANGUAGE}
            )
        }
    return found.get(language or DEFAULT_LANGUAGE) or found.get(DEFAULT_LANGUAGE)


def email_templates_add(*, tenant: Tenant, emails: dict[str, dict[str, tuple[str, str]]]) -> int:
    """Add the templates of `emails` ({key: {language: (subject, body)}}) the tenant does
    not have (its own edits stay); returns how many were added."""
    rows = [
        EmailTemplate(tenant=tenant, key=key, language=language, subject=subject, body=body)
        for key, languages in emails.items()
        for language, (subject, body) in languages.items()
    ]
    with tenant_scope(tenant):
        before = EmailTemplate.objects.count()
        EmailTemplate.objects.bulk_create(rows, ignore_conflicts=True)
        return EmailTemplate.objects.count() - before


def unsubscribe_token(contact: Contact) -> str:
    """A signed token naming the contact and its tenant; it does not expire (old emails'
    links keep working)."""
    return signing.dumps({"t": contact.tenant_id, "c": contact.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(contact: Contact) -> str:
    return settings.SITE_URL + reverse("email-unsubscribe", args=[unsubscribe_token(contact)])


def contact_for_unsubscribe_token(token: str) -> Contact | None:
    """The contact a genuine token names (across tenants: the token says which); None for a
    forged, altered or stale one."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        tenant_id, contact_id = int(data["t"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    with cross_tenant():
        return (
            Contact.objects.unscoped()
            .select_related("tenant")
            .filter(tenant_id=tenant_id, pk=contact_id)
            .first()
        )


def contact_unsubscribe(*, tenant: Tenant, contact: Contact) -> Contact:
    """Stop every later customer email to the contact's address (idempotent: the first time
    stays). Every contact of the tenant with the same address (case aside: a parent and a
    child account, a duplicate from the CRM) is unsubscribed with it."""
    with tenant_scope(tenant):
        same = Contact.objects.filter(pk=contact.pk)
        if contact.email:
            same = Contact.objects.filter(email__iexact=contact.email)
        same.filter(email_unsubscribed_at__isnull=True).update(email_unsubscribed_at=timezone.now())
        contact.refresh_from_db(fields=["email_unsubscribed_at"])
    return contact


def _unsubscribed_addresses(tenant: Tenant, addresses) -> set[str]:
    """The lower-cased addresses among `addresses` that any contact of the tenant
    unsubscribed (the unsubscribe is the address's, not one contact row's)."""
    wanted = {address.lower() for address in addresses if address}
    if not wanted:
        return set()
    with tenant_scope(tenant):
        return set(
            Contact.objects.annotate(address=Lower("email"))
            .filter(address__in=wanted, email_unsubscribed_at__isnull=False)
            .values_list("address", flat=True)
        )


def _skip_status(tenant: Tenant, contact: Contact | None) -> str | None:
    if contact is None or not contact.email:
        return EmailStatus.SKIPPED_NO_EMAIL
    if contact.email_unsubscribed_at is not None or _unsubscribed_addresses(
        tenant, [contact.email]
    ):
        return EmailStatus.SKIPPED_UNSUBSCRIBED
    return None


def customer_email_queue(
    *,
    tenant: Tenant,
    account: Account,
    contact: Contact,
    template_key: str,
    idempotency_key: str,
    source: str = "",
) -> tuple[CustomerEmail, bool]:
    """Log an email to `contact` and queue its sending after commit; returns (email, True),
    or (the existing email, False) when `idempotency_key` was queued before. A contact whose
    address unsubscribed or who has no address gets a skipped row and no mail."""
    with tenant_scope(tenant):
        existing = CustomerEmail.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
        skip = _skip_status(tenant, contact)
        email = CustomerEmail(
            tenant=tenant,
            account=account,
            contact=contact,
            to=contact.email,
            template_key=template_key,
            language=contact.language or DEFAULT_LANGUAGE,
            status=skip or EmailStatus.QUEUED,
            source=source[:100],
            idempotency_key=idempotency_key[:200],
        )
        try:
            with transaction.atomic():  # a concurrent queuer of the same key wins the index
                email.save()
        except IntegrityError:
            return CustomerEmail.objects.get(idempotency_key=idempotency_key), False
    if skip is not None:
        logger.info("customer email %s to contact %s: %s", template_key, contact.pk, skip)
        return email, True
    from accounts.tasks import customer_email_send_task

    enqueue_on_commit(customer_email_send_task, tenant, email.pk)
    return email, True


@dataclass(frozen=True)
class EmailRequest:
    """One email to queue in bulk: to `contact` of `account`, keyed by `idempotency_key`."""

    account: Account
    contact: Contact
    template_key: str
    idempotency_key: str
    source: str = ""


def customer_emails_queue_new(
    *, tenant: Tenant, requests: list[EmailRequest]
) -> list[CustomerEmail]:
    """`customer_email_queue` for many emails whose keys are new (the caller made them
    just now, in this transaction), in a constant number of queries: one look-up of the
    unsubscribed addresses, one insert, one insert of the send tasks. Returns the rows in
    the order of `requests`."""
    if not requests:
        return []
    unsubscribed = _unsubscribed_addresses(tenant, [r.contact.email for r in requests])
    rows = []
    for request in requests:
        contact = request.contact
        if not contact.email:
            status = EmailStatus.SKIPPED_NO_EMAIL
        elif contact.email_unsubscribed_at is not None or contact.email.lower() in unsubscribed:
            status = EmailStatus.SKIPPED_UNSUBSCRIBED
        else:
            status = EmailStatus.QUEUED
        rows.append(
            CustomerEmail(
                tenant=tenant,
                account=request.account,
                contact=contact,
                to=contact.email,
                template_key=request.template_key,
                language=contact.language or DEFAULT_LANGUAGE,
                status=status,
                source=request.source[:100],
                idempotency_key=request.idempotency_key[:200],
            )
        )
    with tenant_scope(tenant):
        CustomerEmail.objects.bulk_create(rows)
    from accounts.tasks import customer_email_send_task

    queued = [(email.pk,) for email in rows if email.status == EmailStatus.QUEUED]
    enqueue_many_on_commit(customer_email_send_task, tenant, queued)
    return rows


def _values(tenant: Tenant, account: Account | None, contact: Contact) -> dict[str, str]:
    owner = account.owner if account is not None else None
    user = owner.user if owner is not None else None
    return {
        "contact_name": contact.name or contact.email,
        "account_name": account.name if account is not None else "",
        "csm_name": (user.get_full_name() or user.email) if user is not None else tenant.name,
        "csm_email": user.email if user is not None else "",
        "company_name": tenant.name,
    }


def message_id(tenant: Tenant, email: CustomerEmail) -> str:
    """The Message-ID of an email: made from its idempotency key, so a copy sent again (a
    worker that died after the server took it) carries the same id and receivers can drop
    it."""
    digest = hashlib.sha256(f"{tenant.pk}:{email.idempotency_key}".encode()).hexdigest()[:40]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<{digest}@{domain}>"


def customer_email_send(*, tenant: Tenant, email_id: int) -> str:
    """Send a queued email; returns its status. At most once: the email is claimed first
    (queued -> sending, committed) and the mail server is called after that, outside any
    transaction, so a redelivered task (a worker that died while sending) finds it claimed
    and sends nothing. An email left "sending" stays so in the log for an operator."""
    with tenant_scope(tenant):
        with transaction.atomic():
            claimed = CustomerEmail.objects.filter(pk=email_id, status=EmailStatus.QUEUED).update(
                status=EmailStatus.SENDING
            )
        email = (
            CustomerEmail.objects.select_related("account__owner__user", "contact")
            .filter(pk=email_id)
            .first()
        )
        if email is None:
            return "missing"
        if not claimed:
            return email.status
        contact = email.contact
        skip = _skip_status(tenant, contact)  # unsubscribed since it was queued
        if skip is not None:
            email.status = skip
            email.save(update_fields=["status"])
            logger.info("customer email %s: %s", email.pk, skip)
            return email.status
        template = email_template_for(
            tenant=tenant, key=email.template_key, language=contact.language
        )
        if template is None:
            email.status = EmailStatus.FAILED
            email.error = f"No template {email.template_key!r} in {contact.language or 'en'} or en."
            email.save(update_fields=["status", "error"])
            return email.status
        values = _values(tenant, email.account, contact)
        if email.template_key in SURVEY_KEYS:
            values |= survey_email_values(tenant, email, template.language)
        elif (kind := kind_for(email.template_key)) is not None:
            values |= kind.values(tenant, email, template.language)
        link = unsubscribe_url(contact)
        with translation.override(template.language):
            footer = _("To stop receiving these emails from %(company)s, open: %(url)s") % {
                "company": tenant.name,
                "url": link,
            }
        message = EmailMessage(
            subject=template_render(template.subject, values).replace("\n", " ")[:200],
            body=f"{template_render(template.body, values).rstrip()}\n\n-- \n{footer}\n",
            from_email=None,  # DEFAULT_FROM_EMAIL
            to=[contact.email],
            headers={
                "Message-ID": message_id(tenant, email),
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
            },
        )
        email.language = template.language
        email.subject = message.subject
        email.save(update_fields=["language", "subject"])
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any transport error is logged on the row
        email.status = EmailStatus.FAILED
        email.error = f"{type(error).__name__}: {error}"[:2000]
        with tenant_scope(tenant):
            email.save(update_fields=["status", "error"])
        logger.warning("customer email %s failed: %s", email.pk, email.error)
        return email.status
    email.status = EmailStatus.SENT
    email.sent_at = timezone.now()
    with tenant_scope(tenant):
        email.save(update_fields=["status", "sent_at"])
    return email.status
