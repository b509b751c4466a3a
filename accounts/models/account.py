"""Accounts (the tenant's customer companies), their contacts, subscription terms and notes.

Every row is addressed by integrators through a tenant-unique `external_id` (the id in the
tenant's CRM or billing system), so nightly syncs can resend everything (upsert).
"""

from datetime import date

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.models.tenant import validate_currency
from tenants.tenancy.models import TenantManager, TenantModel, TenantQuerySet

EXTERNAL_ID_MAX = 255
# The languages customer emails are written in (the platform's own languages).
CONTACT_LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ru", "Русский"),
    ("ro", "Română"),
]


class LifecycleStage(models.TextChoices):
    TRIAL = "trial", _("Trial")
    ONBOARDING = "onboarding", _("Onboarding")
    ADOPTION = "adoption", _("Adoption")
    RENEWAL = "renewal", _("Renewal")
    CHURNED = "churned", _("Churned")


class Account(TenantModel):
    external_id = models.CharField(max_length=EXTERNAL_ID_MAX, verbose_name=_("external ID"))
    name = models.CharField(max_length=255, verbose_name=_("name"))
    domain = models.CharField(max_length=255, blank=True, verbose_name=_("domain"))
    owner = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
        help_text=_("The CSM who owns the account."),
        verbose_name=_("owner"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_("The account this one belongs to (a subsidiary's group, a team's company)."),
        verbose_name=_("parent"),
    )
    segment = models.CharField(max_length=100, blank=True, verbose_name=_("segment"))
    lifecycle_stage = models.CharField(
        max_length=20,
        choices=LifecycleStage.choices,
        blank=True,
        default="",
        verbose_name=_("lifecycle stage"),
    )
    traits = models.JSONField(default=dict, blank=True, verbose_name=_("traits"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = pgettext_lazy("label", "account")
        verbose_name_plural = _("accounts")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "external_id"], name="account_unique_xid")
        ]
        indexes = [
            models.Index(fields=["tenant", "segment"]),
            models.Index(fields=["tenant", "owner"]),
            # The accounts in their order (the portfolio's first page, the lists): a page
            # reads its rows from the index instead of sorting every account.
            models.Index(fields=["tenant", "name", "id"], name="account_name_order"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TenantModel):
    external_id = models.CharField(max_length=EXTERNAL_ID_MAX, verbose_name=_("external ID"))
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        verbose_name=pgettext_lazy("label", "account"),
    )
    email = models.EmailField(blank=True, verbose_name=_("email"))
    name = models.CharField(max_length=255, blank=True, verbose_name=_("name"))
    # The language customer emails are written in; blank: English. The database default
    # serves writers that name no language (bulk loads); the model's, new instances.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=CONTACT_LANGUAGES,
        blank=True,
        default="",
        db_default="",
    )
    # Set by the contact's unsubscribe link; every later customer email is skipped.
    email_unsubscribed_at = models.DateTimeField(
        _("unsubscribed from email"), null=True, blank=True
    )
    traits = models.JSONField(default=dict, blank=True, verbose_name=_("traits"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "external_id"], name="contact_unique_xid")
        ]
        indexes = [models.Index(fields=["tenant", "account"])]

    def __str__(self) -> str:
        return self.name or self.email or self.external_id


class SubscriptionQuerySet(TenantQuerySet):
    def active_on(self, day: date):
        """Terms running on `day`: started on or before it, ending after it (end exclusive)."""
        return self.filter(start_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gt=day)
        )


class Subscription(TenantModel):
    """A subscription term: [start_date, end_date) with a monthly recurring revenue.

    `end_date` is exclusive and open (null) while the term runs; see the metric definitions
    for how terms make an account active, renewed or churned. Whether a term runs on a day
    is `active_on` / `state_on`, the one definition the pages and lists use; `status` is what
    the billing system said.
    """

    objects = TenantManager.from_queryset(SubscriptionQuerySet)()

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")
        ENDED = "ended", _("Ended")

    external_id = models.CharField(max_length=EXTERNAL_ID_MAX, verbose_name=_("external ID"))
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=pgettext_lazy("label", "account"),
    )
    plan = models.CharField(max_length=100, blank=True, verbose_name=_("plan"))
    mrr = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], verbose_name=_("MRR")
    )
    currency = models.CharField(
        max_length=3, validators=[validate_currency], verbose_name=_("currency")
    )
    start_date = models.DateField(verbose_name=_("start date"))
    end_date = models.DateField(null=True, blank=True, verbose_name=_("end date"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"], name="subscription_unique_xid"
            ),
            models.CheckConstraint(condition=models.Q(mrr__gte=0), name="subscription_mrr_gte_0"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gt=models.F("start_date")),
                name="subscription_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "account", "start_date"])]

    def __str__(self) -> str:
        return f"{self.account} {self.plan} {self.start_date}–{self.end_date or '…'}"

    def state_on(self, day: date) -> str:
        """ "upcoming", "active" or "ended" on `day`, as `active_on` counts it."""
        if self.start_date > day:
            return "upcoming"
        if self.end_date is not None and self.end_date <= day:
            return "ended"
        return "active"


class AccountNote(TenantModel):
    """A CSM's note on an account's timeline."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=pgettext_lazy("label", "account"),
    )
    author = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(verbose_name=_("body"))
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("account note")
        verbose_name_plural = _("account notes")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["tenant", "account", "occurred_at"])]
