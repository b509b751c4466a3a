"""Backtests: how well a scorecard's scores of the last 12 month starts foretold the churn of
the 90 days after each, with weights fitted to that history (README, "Does the score predict
churn?"). One row per scorecard: the latest run."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


class Backtest(TenantModel):
    scorecard = models.ForeignKey(
        "health.Scorecard",
        on_delete=models.CASCADE,
        related_name="backtests",
        verbose_name=_("scorecard"),
    )
    # The scorecard's version when the backtest ran: a suggestion is only applied to it.
    scorecard_version = models.ForeignKey(
        "health.ScorecardVersion",
        on_delete=models.CASCADE,
        related_name="backtests",
        verbose_name=_("scorecard version"),
    )
    computed_at = models.DateTimeField(_("computed at"))
    # Churn is known through the metrics run's last day; None before the first run.
    last_known_day = models.DateField(_("churn known through"), null=True)
    auc = models.FloatField(_("AUC"), null=True)
    accounts = models.PositiveIntegerField(_("account-months"), default=0)
    churned = models.PositiveIntegerField(_("churned within 90 days"), default=0)
    # {"good": {"accounts", "churned", "churn_rate"}, "average": ..., "poor": ...}
    bands = models.JSONField(_("churn rate per band"), default=dict)
    # One entry per month start: month_start, window_end, complete, accounts, unscored,
    # churned, auc.
    months = models.JSONField(_("month starts"), default=list)
    # health.backtest.Suggestion.as_json(): current and suggested weights, held-out AUCs.
    suggestion = models.JSONField(_("suggested weights"), default=dict)

    class Meta:
        ordering = ["scorecard_id"]
        verbose_name = _("backtest")
        verbose_name_plural = _("backtests")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "scorecard"], name="backtest_one_per_card")
        ]

    def __str__(self) -> str:
        auc = "n/a" if self.auc is None else f"{self.auc:.2f}"
        return f"{self.scorecard_id} AUC {auc}"
