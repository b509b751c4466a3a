"""Churn records and the tenant's taxonomy of churn reasons."""

from django.core.validators import MinValueValidator
from django.db import models

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
    key = models.SlugField(max_length=50)
    label = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="churnreason_unique_key")
        ]

    def __str__(self) -> str:
        return self.label


class ChurnRecord(TenantModel):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="churn_records"
    )
    churned_on = models.DateField()
    reason = models.ForeignKey(
        ChurnReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    tenure_months = models.PositiveIntegerField(null=True, blank=True)
    last_mrr = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # Active days per 30-day window over the 90 days before churn, oldest first.
    engagement_trend = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-churned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "churned_on"], name="churnrecord_unique_day"
            )
        ]
