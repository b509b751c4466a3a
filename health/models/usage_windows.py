"""The usage windows of the last day a nightly run scored, kept for the next night's run to
carry forward by a day (metrics.engine.usage_windows) instead of aggregating 60 days of
rollups again."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


class CarriedUsageWindows(TenantModel):
    """One row per tenant: the windows ending with `day`, as `UsageWindows.dumps` writes
    them. Deleted by any scoring run that includes `day` or an earlier day, since such a run
    follows rebuilt rollups (or is asked for a past day)."""

    day = models.DateField(verbose_name=_("day"))
    data = models.BinaryField(verbose_name=_("data"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("carried usage windows")
        verbose_name_plural = _("carried usage windows")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="carriedusagewindows_one_per_tenant")
        ]

    def __str__(self) -> str:
        return f"usage windows of {self.day}"
