"""Scorecards: which measures make an account's health score, how each raw value maps to
0-100, their weights, what missing data counts as, the band cut-offs, and which accounts a
scorecard is for. Every change is kept as a numbered version (a JSON snapshot)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models.account import LifecycleStage
from health import scoring
from tenants.tenancy.models import TenantModel

GOOD_MIN_DEFAULT = 70
AVERAGE_MIN_DEFAULT = 40


class Source(models.TextChoices):
    """Where a measure's raw value comes from (README, "Health scores", defines each)."""

    USAGE_FREQUENCY = "usage_frequency", _("Usage frequency (active days in trailing 30)")
    CORE_DEPTH = "core_depth", _("Core depth (percentage of core features used, trailing 30 days)")
    FEATURE_BREADTH = (
        "feature_breadth",
        _("Feature breadth (percentage of features used, trailing 30 days)"),
    )
    USAGE_TREND = (
        "usage_trend",
        _("Usage trend (percent change of events, trailing 30 vs prior 30 days)"),
    )
    NPS_LATEST = "nps_latest", _("Latest NPS answer (mean of each contact's latest, 0-10)")
    ONBOARDING_PROGRESS = (
        "onboarding_progress",
        _("Onboarding progress (percentage of required steps)"),
    )
    DAYS_TO_RENEWAL = "days_to_renewal", _("Days to renewal")
    DAYS_SINCE_ACTIVITY = "days_since_activity", _("Days since last activity")


class MappingKind(models.TextChoices):
    LINEAR = "linear", _("Linear range")
    THRESHOLDS = "thresholds", _("Thresholds")


class MissingPolicy(models.TextChoices):
    OMIT = "omit", _("Leave out and renormalise the weights")
    POOR = "poor", _("Count as poor (0)")
    NEUTRAL = "neutral", _("Count as neutral (50)")


class Scorecard(TenantModel):
    """A set of measures for the accounts it matches. Scorecards are tried in priority order
    (lower first); an account matching none gets the tenant's default one."""

    name = models.CharField(_("name"), max_length=200)
    priority = models.PositiveIntegerField(_("priority"), help_text=_("Lower is tried first."))
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("For accounts that match no other scorecard.")
    )
    segment = models.CharField(_("segment"), max_length=100, blank=True)
    lifecycle_stage = models.CharField(
        _("lifecycle stage"),
        max_length=20,
        choices=LifecycleStage.choices,
        blank=True,
        default="",
    )
    good_min = models.PositiveSmallIntegerField(
        _("good from"),
        default=GOOD_MIN_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Scores from this value up are good."),
    )
    average_min = models.PositiveSmallIntegerField(
        _("average from"),
        default=AVERAGE_MIN_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Scores from this value up to below 'good from' are average; lower: poor."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "priority"], name="scorecard_unique_priority"
            ),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_default=True),
                name="scorecard_one_default",
            ),
            models.CheckConstraint(
                condition=models.Q(average_min__gte=1)
                & models.Q(good_min__lte=100)
                & models.Q(good_min__gt=models.F("average_min")),
                name="scorecard_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Measure(TenantModel):
    """One input of a scorecard: a source, its mapping to 0-100, weight and missing policy."""

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="measures", verbose_name=_("scorecard")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    source = models.CharField(_("source"), max_length=32, choices=Source.choices)
    mapping = models.CharField(
        _("mapping"), max_length=16, choices=MappingKind.choices, default=MappingKind.LINEAR
    )
    low = models.DecimalField(
        _("raw value scoring 0"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    high = models.DecimalField(
        _("raw value scoring 100"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    thresholds = models.JSONField(
        _("thresholds"),
        default=list,
        blank=True,
        help_text=_("Steps [minimum raw value, score], minimums ascending."),
    )
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3)
    missing = models.CharField(
        _("when data is missing"),
        max_length=8,
        choices=MissingPolicy.choices,
        default=MissingPolicy.OMIT,
    )

    class Meta:
        ordering = ["scorecard", "position", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "scorecard", "source"], name="measure_unique_source"
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="measure_weight_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} ×{self.weight}"


class ScorecardVersion(TenantModel):
    """A scorecard as it was after one change: every score names the version it used, so a
    chart can mark where the rules changed. Kept when the scorecard is deleted."""

    scorecard = models.ForeignKey(
        Scorecard,
        null=True,
        on_delete=models.SET_NULL,
        related_name="versions",
        verbose_name=_("scorecard"),
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    snapshot = models.JSONField(verbose_name=_("snapshot"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    note = models.CharField(max_length=500, blank=True, verbose_name=_("note"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "scorecard", "number"], name="scorecardversion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot.get('name', '')} v{self.number}"

    @cached_property
    def rules(self) -> list[scoring.Rule]:
        """The version's measures as scoring rules, in their order."""
        return [
            scoring.Rule(
                source=m["source"],
                weight=Decimal(m["weight"]),
                mapping=m["mapping"],
                low=None if m["low"] is None else Decimal(m["low"]),
                high=None if m["high"] is None else Decimal(m["high"]),
                thresholds=m["thresholds"],
                missing=m["missing"],
            )
            for m in self.snapshot["measures"]
        ]
