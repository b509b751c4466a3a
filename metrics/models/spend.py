"""Monthly sales and marketing spend, the numerator of CAC."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models.tenant import validate_currency
from tenants.tenancy.models import TenantModel


class AcquisitionSpend(TenantModel):
    month = models.DateField(help_text=_("The first day of the month."), verbose_name=_("month"))
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], verbose_name=_("amount")
    )
    currency = models.CharField(
        max_length=3, validators=[validate_currency], verbose_name=_("currency")
    )
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("acquisition spend")
        verbose_name_plural = _("acquisition spend")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "month"], name="spend_unique_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="spend_month_first_day"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="spend_amount_gte_0"),
        ]
