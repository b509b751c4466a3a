"""Monthly sales and marketing spend, the numerator of CAC."""

from django.core.validators import MinValueValidator
from django.db import models

from tenants.models.tenant import validate_currency
from tenants.tenancy.models import TenantModel


class AcquisitionSpend(TenantModel):
    month = models.DateField(help_text="The first day of the month.")
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, validators=[validate_currency])
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "month"], name="spend_unique_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="spend_month_first_day"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="spend_amount_gte_0"),
        ]
