"""Computed KPI figures: one row per tenant, period, cut and metric, with its parts.

`dimension`/`key` say which population a figure describes: the whole tenant
(`all`, key ""), one segment (`segment`, the segment's name) or one owner CSM (`owner`, the
membership id). Undefined figures keep a null value, never 0.
"""

from django.db import models

from metrics.definitions import Grain
from tenants.tenancy.models import TenantModel


class Dimension(models.TextChoices):
    ALL = "all", "All accounts"
    SEGMENT = "segment", "Segment"
    OWNER = "owner", "Owner CSM"


class MetricFigure(TenantModel):
    grain = models.CharField(max_length=5, choices=[(g.value, g.value) for g in Grain])
    period = models.DateField(help_text="The day, or the first day of the month.")
    dimension = models.CharField(max_length=10, choices=Dimension.choices, default=Dimension.ALL)
    key = models.CharField(max_length=100, blank=True, default="")
    metric = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True)
    numerator = models.DecimalField(max_digits=24, decimal_places=6, null=True)
    denominator = models.DecimalField(max_digits=24, decimal_places=6, null=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "grain", "dimension", "key", "period", "metric"],
                name="metricfigure_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period} {self.dimension}:{self.key} = {self.value}"
