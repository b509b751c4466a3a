"""Daily health scores: one row per account and local day, kept as history, with the parts
that explain it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from health import scoring
from metrics.models.usage import firehose_tenant
from tenants.tenancy.models import TenantModel


class Band(models.TextChoices):
    GOOD = "good", _("Good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


class HealthScore(TenantModel):
    """An account's score on a local day. `score` and `band` are null when the account has no
    data at all ("n/a", never 0). `raws` holds each measure's raw value, in the order of the
    scorecard version's measures (null: missing); `parts` derives from them."""

    # A year of history is a row per account and day, written in bulk: like the metrics'
    # rollups, no foreign-key triggers (deletes cascade through the ORM) and no index but
    # the two below.
    tenant = firehose_tenant()
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="health_scores",
        db_constraint=False,
        db_index=False,
        verbose_name=pgettext_lazy("label", "account"),
    )
    day = models.DateField(verbose_name=_("day"))
    scorecard_version = models.ForeignKey(
        "health.ScorecardVersion",
        on_delete=models.CASCADE,
        related_name="scores",
        db_constraint=False,
        db_index=False,
        verbose_name=_("scorecard version"),
    )
    score = models.PositiveSmallIntegerField(null=True, verbose_name=_("score"))
    band = models.CharField(max_length=8, choices=Band.choices, null=True, verbose_name=_("band"))
    raws = models.JSONField(default=list, verbose_name=_("raw values"))
    computed_at = models.DateTimeField(auto_now=True, verbose_name=_("computed at"))

    class Meta:
        ordering = ["-day", "account_id"]
        verbose_name = _("health score")
        verbose_name_plural = _("health scores")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "day"], name="healthscore_unique_day"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
                name="healthscore_0_100",
            ),
        ]
        # The unique constraint is also the index of one account's history.
        indexes = [models.Index(fields=["tenant", "day"], name="healthscore_day")]

    @property
    def parts(self) -> list[dict]:
        """Each measure: source, raw value, measure score, weight, effective weight after
        renormalisation, contribution and whether its data was missing; the contributions
        add up to the score before rounding. Derived from `raws` by the version's rules, so
        a year of history stores a few numbers per day rather than the whole explanation."""
        version = self.scorecard_version
        rules = version.rules
        values = {rule.source: raw for rule, raw in zip(rules, self.raws, strict=False)}
        cut = version.snapshot
        result = scoring.combine(
            rules, values, good_min=cut["good_min"], average_min=cut["average_min"]
        )
        return [part.as_json() for part in result.parts]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day}: {self.score if self.score is not None else 'n/a'}"
