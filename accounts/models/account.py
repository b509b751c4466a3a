"""Accounts (the tenant's customer companies), their contacts, subscription terms and notes.

Every row is addressed by integrators through a tenant-unique `external_id` (the id in the
tenant's CRM or billing system), so nightly syncs can resend everything (upsert).
"""

from datetime import date

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    TRIAL = "trial", "Trial"
    ONBOARDING = "onboarding", "Onboarding"
    ADOPTION = "adoption", "Adoption"
    RENEWAL = "renewal", "Renewal"
    CHURNED = "churned", "Churned"


class Account(TenantModel):
    external_id = models.CharField(max_length=EXTERNAL_ID_MAX)
    name = models.CharField(max_length=255)
    domain = models.CharField(max_length=255, blank=True)
    owner = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
        help_text="The CSM who owns the account.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_("The account this one belongs to (a subsidiary's group, a team's company)."),
    )
    segment = models.CharField(max_length=100, blank=True)
    lifecycle_stage = models.CharField(
        max_length=20, choices=LifecycleStage.choices, blank=True, default=""
    )
    traits = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
    external_id = models.CharField(max_length=EXTERNAL_ID_MAX)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=255, blank=True)
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
    traits = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
        ACTIVE = "active", "Active"
        CANCELLED = "cancelled", "Cancelled"
        ENDED = "ended", "Ended"

    external_id = models.CharField(max_length=EXTERNAL_ID_MAX)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.CharField(max_length=100, blank=True)
    mrr = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, validators=[validate_currency])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        "tenants.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["tenant", "account", "occurred_at"])]
