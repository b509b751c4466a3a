"""Where each tenant's metrics stand, and the recomputes people asked for.

MetricsState is the engine's bookmark: the last local day computed and the reception time
up to which late events have been looked for. RecomputeJob is an on-demand or command-line
recompute whose progress the dashboard shows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


class MetricsState(TenantModel):
    computed_through = models.DateField(null=True, blank=True, verbose_name=_("computed through"))
    # Events received at or after this time may be late arrivals for days already computed.
    received_watermark = models.DateTimeField(
        null=True, blank=True, verbose_name=_("received watermark")
    )
    last_run_started_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last run started at")
    )
    last_run_finished_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last run finished at")
    )
    last_run_days = models.PositiveIntegerField(default=0, verbose_name=_("last run days"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    last_error_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last error at"))
    # Set when every local day must be rolled up again (the tenant's time zone changed); only
    # the run that does so clears it, so a run already under way cannot lose the request.
    rebuild_requested_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("rebuild requested at")
    )
    # The earliest day whose rollups runs have rebuilt since readers downstream (health
    # scores) last caught up, and when a run last moved it; a reader clears the mark only if
    # neither changed since it read them.
    rollups_changed_from = models.DateField(
        null=True, blank=True, verbose_name=_("rollups changed from")
    )
    rollups_changed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("rollups changed at")
    )

    class Meta:
        verbose_name = _("metrics state")
        verbose_name_plural = _("metrics states")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="metricsstate_unique")]


class RecomputeJob(TenantModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    since = models.DateField(verbose_name=_("since"))
    until = models.DateField(verbose_name=_("until"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    days_done = models.PositiveIntegerField(default=0, verbose_name=_("days done"))
    days_total = models.PositiveIntegerField(default=0, verbose_name=_("days total"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("recompute job")
        verbose_name_plural = _("recompute jobs")
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        return 100 if not self.days_total else min(100, self.days_done * 100 // self.days_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class DirtyDay(TenantModel):
    """A mark, written in the same transaction as the change, that a day computed already
    must be computed again: its rollups (its events were attributed late), or the figures
    from that day on (a subscription term that shapes them was written or deleted)."""

    class Kind(models.TextChoices):
        EVENTS = "events", _("Rollups of the day")
        FIGURES = "figures", _("Figures from the day on")

    kind = models.CharField(
        max_length=7, choices=Kind.choices, default=Kind.EVENTS, verbose_name=_("kind")
    )
    day = models.DateField(verbose_name=_("day"))
    marked_at = models.DateTimeField(auto_now_add=True, verbose_name=_("marked at"))

    class Meta:
        verbose_name = _("day to recompute")
        verbose_name_plural = _("days to recompute")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "day"], name="dirtyday_unique")
        ]
