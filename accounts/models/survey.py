"""Hosted NPS surveys: a survey (its question in each language, its audience, its cadence),
each send of it to its audience (with progress), and each contact's invitation, whose
personal link needs no login. An answer is an ordinary NPS answer (`NpsResponse`), so the
NPS figures, the health score's NPS measure and the detractor rule read it like any other.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models.account import Account, Contact, LifecycleStage
from accounts.models.email import CustomerEmail
from accounts.models.nps import NpsResponse
from tenants.tenancy.models import TenantModel


class SurveyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")


class Survey(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    # {language: question}; English is required, the others fall back to it.
    question = models.JSONField(_("question"), default=dict)
    # The audience: contacts of the accounts in this segment and / or lifecycle stage, or
    # of the accounts listed (`account_ids`); an empty filter matches every account.
    segment = models.CharField(_("segment"), max_length=100, blank=True)
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=20, choices=LifecycleStage.choices, blank=True
    )
    account_ids = models.JSONField(_("accounts"), default=list, blank=True)
    # Cadence: None sends once; N sends again every N months.
    every_months = models.PositiveSmallIntegerField(
        _("repeat every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    # No contact is asked (by any survey of the tenant) twice within this many days.
    throttle_days = models.PositiveSmallIntegerField(
        _("ask a contact at most once in (days)"),
        default=90,
        validators=[MaxValueValidator(730)],
    )
    link_days = models.PositiveSmallIntegerField(
        _("links expire after (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        null=True,
        blank=True,
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.ACTIVE
    )
    next_send_on = models.DateField(_("next send"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.name

    def question_in(self, language: str) -> str:
        return self.question.get(language or "en") or self.question.get("en", "")


class SendStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Sent")


class SurveySend(TenantModel):
    """One send of a survey to its audience, processed in batches by Celery."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="sends", verbose_name=_("survey")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SendStatus.choices, default=SendStatus.QUEUED
    )
    # The audience's contacts, fixed when the send starts, in the order they are invited.
    contact_ids = models.JSONField(default=list, verbose_name=_("contact IDs"))
    processed = models.PositiveIntegerField(
        default=0, verbose_name=_("processed")
    )  # contacts invited so far
    throttled = models.PositiveIntegerField(
        default=0, verbose_name=_("throttled")
    )  # left out: asked recently
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("survey send")
        verbose_name_plural = _("survey sends")

    def __str__(self) -> str:
        return f"{self.survey} {self.started_at:%Y-%m-%d}"

    @property
    def total(self) -> int:
        return len(self.contact_ids)

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(self.processed * 100 / self.total)


class SurveyInvite(TenantModel):
    """One contact asked in one send. The personal link carries a signed token; only its
    SHA-256 is stored (unique), so a copy of the database cannot answer for anyone."""

    send = models.ForeignKey(
        SurveySend, on_delete=models.CASCADE, related_name="invites", verbose_name=_("send")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("label", "account"),
    )
    token_sha256 = models.CharField(max_length=64, verbose_name=_("token SHA-256"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    email = models.ForeignKey(
        CustomerEmail,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("email"),
    )
    reminder = models.ForeignKey(
        CustomerEmail,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reminder"),
    )
    answer = models.ForeignKey(
        NpsResponse,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answer"),
    )
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("answered at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "send", "contact"], name="invite_once"),
            models.UniqueConstraint(fields=["tenant", "token_sha256"], name="invite_token"),
        ]
        indexes = [models.Index(fields=["tenant", "contact", "created_at"])]

    def __str__(self) -> str:
        return f"invite {self.pk}"
