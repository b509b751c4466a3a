"""Churn records and the tenant's taxonomy of churn reasons."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.tenancy.models import TenantModel

# The default taxonomy every tenant starts with (metric definitions: "Churn database").
DEFAULT_CHURN_REASONS = [
    ("competitor", "Competitor"),
    ("value_not_realised", "Value not realised"),
    ("budget", "Budget"),
    ("out_of_business", "Customer went out of business"),
    ("product_gap", "Product gap"),
    ("other", "Other"),
]


class ChurnReason(TenantModel):
    key = models.SlugField(max_length=50, verbose_name=_("key"))
    label = models.CharField(max_length=100, verbose_name=_("label"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        verbose_name = _("churn reason")
        verbose_name_plural = _("churn reasons")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="churnreason_unique_key")
        ]

    def __str__(self) -> str:
        return self.label


class ChurnRecord(TenantModel):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="churn_records",
        verbose_name=pgettext_lazy("label", "account"),
    )
    churned_on = models.DateField(verbose_name=_("churned on"))
    reason = models.ForeignKey(
        ChurnReason,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reason"),
    )
    note = models.TextField(blank=True, verbose_name=_("note"))
    tenure_months = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("tenure months")
    )
    last_mrr = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        verbose_name=_("last MRR"),
    )
    # Active days per 30-day window over the 90 days before churn, oldest first.
    engagement_trend = models.JSONField(
        default=list, blank=True, verbose_name=_("engagement trend")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("churn record")
        verbose_name_plural = _("churn records")
        ordering = ["-churned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "churned_on"], name="churnrecord_unique_day"
            )
        ]
