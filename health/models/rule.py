"""Alert rules: the conditions on an account's health, usage, NPS answers and renewal that
open a task for its CSM, one rule of each kind per tenant, each switchable and tunable; and
the state of each rule's condition per account, so a condition opens one task, not one a day.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from health.models.task import TaskKind, TaskPriority
from tenants.tenancy.models import TenantModel

ALERT_KINDS = [
    TaskKind.BAND_DROPPED,
    TaskKind.SCORE_FELL,
    TaskKind.USAGE_DOWN,
    TaskKind.NPS_DETRACTOR,
    TaskKind.RENEWAL_AT_RISK,
    TaskKind.NO_ACTIVITY,
    TaskKind.ONBOARDING_STALLED,
]

# The parameters each kind reads; the others stay empty (null) for that kind.
PARAMETERS: dict[str, tuple[str, ...]] = {
    TaskKind.BAND_DROPPED: (),
    TaskKind.SCORE_FELL: ("points", "window_days"),
    TaskKind.USAGE_DOWN: ("percent",),
    TaskKind.NPS_DETRACTOR: ("max_score",),
    TaskKind.RENEWAL_AT_RISK: ("days",),
    TaskKind.NO_ACTIVITY: ("days",),
    TaskKind.ONBOARDING_STALLED: ("days",),
}
PARAMETER_FIELDS = ("points", "window_days", "percent", "days", "max_score")


class AlertRule(TenantModel):
    """One kind of alert of a tenant: whether it runs, its thresholds, and the priority and
    due date of the tasks it opens. The kind fixes what the rule watches; the parameters it
    does not read (see PARAMETERS) are null."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=[(kind.value, kind.label) for kind in ALERT_KINDS]
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    name = models.CharField(_("name"), max_length=100)
    points = models.PositiveSmallIntegerField(
        _("points"), null=True, blank=True, help_text=_("Score fell by at least this many points.")
    )
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"),
        null=True,
        blank=True,
        help_text=_("Compared with the score this many days before."),
    )
    percent = models.PositiveSmallIntegerField(
        _("percent"),
        null=True,
        blank=True,
        help_text=_(
            "Usage events of the last 30 days down by at least this percentage against "
            "the 30 days before."
        ),
    )
    days = models.PositiveSmallIntegerField(
        _("days"),
        null=True,
        blank=True,
        help_text=_(
            "Renewal within, no activity for, or onboarding stalled for more than, this many days."
        ),
    )
    max_score = models.PositiveSmallIntegerField(
        _("highest detractor score"),
        null=True,
        blank=True,
        help_text=_("An NPS answer of this score or lower."),
    )
    priority = models.CharField(
        _("task priority"), max_length=8, choices=TaskPriority.choices, default=TaskPriority.MEDIUM
    )
    due_days = models.PositiveSmallIntegerField(
        _("due in (days)"),
        default=3,
        help_text=_("The task is due this many days after the rule fired."),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind"], name="alertrule_one_per_kind")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def condition_key(self) -> str:
        """The key of the tasks this rule opens (Task.condition_key)."""
        return f"rule:{self.pk}"

    @property
    def parameters(self) -> tuple[str, ...]:
        return PARAMETERS[self.kind]


class AlertFiring(TenantModel):
    """A rule's condition holding for an account: from the day it started (`since`) to the
    last day it was seen; `cleared_on` is the first day it no longer held. While a firing
    is not cleared, the rule opens no task for the account, even after its task was done."""

    rule = models.ForeignKey(
        AlertRule, on_delete=models.CASCADE, related_name="firings", verbose_name=_("rule")
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="alert_firings",
        verbose_name=pgettext_lazy("label", "account"),
    )
    since = models.DateField(verbose_name=_("since"))
    last_seen = models.DateField(verbose_name=_("last seen"))
    cleared_on = models.DateField(null=True, blank=True, verbose_name=_("cleared on"))
    task = models.ForeignKey(
        "health.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("task"),
    )

    class Meta:
        ordering = ["-since", "id"]
        verbose_name = _("alert firing")
        verbose_name_plural = _("alert firings")
        constraints = [
            # Also the index the nightly run reads the conditions still holding by.
            models.UniqueConstraint(
                fields=["tenant", "rule", "account"],
                condition=models.Q(cleared_on__isnull=True),
                name="alertfiring_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.account_id} since {self.since}"
