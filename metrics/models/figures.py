"""Computed KPI figures: one row per tenant, period, cut and metric, with its parts.

`dimension`/`key` say which population a figure describes: the whole tenant
(`all`, key ""), one segment (`segment`, the segment's name) or one owner CSM (`owner`, the
membership id). Undefined figures keep a null value, never 0.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from metrics.definitions import Grain
from tenants.tenancy.models import TenantModel


class Dimension(models.TextChoices):
    ALL = "all", _("All accounts")
    SEGMENT = "segment", _("Segment")
    OWNER = "owner", _("Owner CSM")


class MetricFigure(TenantModel):
    grain = models.CharField(
        max_length=5,
        choices=[(Grain.DAY.value, _("day")), (Grain.MONTH.value, _("month"))],
        verbose_name=_("grain"),
    )
    period = models.DateField(
        help_text=_("The day, or the first day of the month."), verbose_name=_("period")
    )
    dimension = models.CharField(
        max_length=10, choices=Dimension.choices, default=Dimension.ALL, verbose_name=_("dimension")
    )
    key = models.CharField(max_length=100, blank=True, default="", verbose_name=_("key"))
    metric = models.CharField(max_length=40, verbose_name=_("metric"))
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True, verbose_name=_("value"))
    numerator = models.DecimalField(
        max_digits=24, decimal_places=6, null=True, verbose_name=_("numerator")
    )
    denominator = models.DecimalField(
        max_digits=24, decimal_places=6, null=True, verbose_name=_("denominator")
    )
    computed_at = models.DateTimeField(verbose_name=_("computed at"))

    class Meta:
        verbose_name = _("metric figure")
        verbose_name_plural = _("metric figures")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "grain", "dimension", "key", "period", "metric"],
                name="metricfigure_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period} {self.dimension}:{self.key} = {self.value}"
