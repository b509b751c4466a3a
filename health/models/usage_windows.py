"""The usage windows of the last day a nightly run scored, kept for the next night's run to
carry forward by a day (metrics.engine.usage_windows) instead of aggregating 60 days of
rollups again."""

from django.db import models

from tenants.tenancy.models import TenantModel


class CarriedUsageWindows(TenantModel):
    """One row per tenant: the windows ending with `day`, as `UsageWindows.dumps` writes
    them. Deleted by any scoring run that includes `day` or an earlier day, since such a run
    follows rebuilt rollups (or is asked for a past day)."""

    day = models.DateField()
    data = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="carriedusagewindows_one_per_tenant")
        ]

    def __str__(self) -> str:
        return f"usage windows of {self.day}"
