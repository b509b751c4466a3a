"""Customer email: per-tenant templates in the contacts' languages, and the log of every
email sent (or skipped) to a contact, keyed so a redelivered task never sends twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models.account import CONTACT_LANGUAGES, Account, Contact
from tenants.tenancy.models import TenantModel


class EmailTemplate(TenantModel):
    """One email in one language. Subject and body are plain text with `{{ name }}`
    placeholders (see accounts.services.customer_email.PLACEHOLDERS); nothing else in them is
    interpreted."""

    key = models.SlugField(_("key"), max_length=80)
    language = models.CharField(_("language"), max_length=10, choices=CONTACT_LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["key", "language"]
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "key", "language"], name="emailtemplate_unique_key_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Claimed by a sender; one left so (its worker died) is never sent again by itself.
    SENDING = "sending", _("Sending (or interrupted while sending)")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED_UNSUBSCRIBED = "skipped_unsubscribed", _("Skipped: unsubscribed")
    SKIPPED_NO_EMAIL = "skipped_no_email", _("Skipped: no email address")


class CustomerEmail(TenantModel):
    """One email to one contact: queued, then sent, failed or skipped. `idempotency_key`
    names what asked for it (a playbook step and a contact), so asking twice sends once."""

    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer_emails",
        verbose_name=pgettext_lazy("label", "account"),
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer_emails",
        verbose_name=_("contact"),
    )
    to = models.EmailField(_("to"), blank=True)
    template_key = models.CharField(_("template"), max_length=80)
    language = models.CharField(_("language"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, verbose_name=_("idempotency key"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer email")
        verbose_name_plural = _("customer emails")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"], name="customeremail_unique_key"
            )
        ]
        indexes = [models.Index(fields=["tenant", "account", "created_at"])]

    def __str__(self) -> str:
        return f"{self.template_key} → {self.to or self.contact_id}"
