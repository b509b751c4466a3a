"""Where each tenant's metrics stand, and the recomputes people asked for.

MetricsState is the engine's bookmark: the last local day computed and the reception time
up to which late events have been looked for. RecomputeJob is an on-demand or command-line
recompute whose progress the dashboard shows.
"""

from django.db import models

from tenants.tenancy.models import TenantModel


class MetricsState(TenantModel):
    computed_through = models.DateField(null=True, blank=True)
    # Events received at or after this time may be late arrivals for days already computed.
    received_watermark = models.DateTimeField(null=True, blank=True)
    last_run_started_at = models.DateTimeField(null=True, blank=True)
    last_run_finished_at = models.DateTimeField(null=True, blank=True)
    last_run_days = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # Set when every local day must be rolled up again (the tenant's time zone changed); only
    # the run that does so clears it, so a run already under way cannot lose the request.
    rebuild_requested_at = models.DateTimeField(null=True, blank=True)
    # The earliest day whose rollups runs have rebuilt since readers downstream (health
    # scores) last caught up, and when a run last moved it; a reader clears the mark only if
    # neither changed since it read them.
    rollups_changed_from = models.DateField(null=True, blank=True)
    rollups_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="metricsstate_unique")]


class RecomputeJob(TenantModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        "tenants.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    since = models.DateField()
    until = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    days_done = models.PositiveIntegerField(default=0)
    days_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
        EVENTS = "events", "Rollups of the day"
        FIGURES = "figures", "Figures from the day on"

    kind = models.CharField(max_length=7, choices=Kind.choices, default=Kind.EVENTS)
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "day"], name="dirtyday_unique")
        ]
