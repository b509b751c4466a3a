"""Tasks: calls to action for a CSM on one account, opened by an alert rule, a playbook or
a person, with the reason in words and the figures behind it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.tenancy.models import TenantModel


class TaskKind(models.TextChoices):
    """What opened a task: a person, a playbook step, or one of the alert rules' kinds."""

    MANUAL = "manual", _("Opened by hand")
    PLAYBOOK = "playbook", _("Playbook step")
    BAND_DROPPED = "band_dropped", _("Health band dropped")
    SCORE_FELL = "score_fell", _("Health score fell")
    USAGE_DOWN = "usage_down", _("Usage down")
    NPS_DETRACTOR = "nps_detractor", _("NPS detractor")
    RENEWAL_AT_RISK = "renewal_at_risk", _("Renewal at risk")
    NO_ACTIVITY = "no_activity", _("No activity")
    CUSTOMER_QUESTION = "customer_question", _("Customer question")
    ONBOARDING_STALLED = "onboarding_stalled", _("Onboarding stalled")


class TaskPriority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(TenantModel):
    """One thing a CSM should do for an account by a date. `condition_key` names the condition
    that opened it (an alert rule, a playbook step); while a task with that key is open, the
    same condition opens no second one."""

    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=pgettext_lazy("label", "account"),
    )
    assignee = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="health_tasks",
        verbose_name=_("assignee"),
    )
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    # The figures that made the condition fire, by name: {"score": 38, "score_7_days_ago": 61}.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    condition_key = models.CharField(max_length=100, blank=True, verbose_name=_("condition key"))
    priority = models.CharField(
        _("priority"), max_length=8, choices=TaskPriority.choices, default=TaskPriority.MEDIUM
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "condition_key"],
                condition=models.Q(status="open") & ~models.Q(condition_key=""),
                name="task_one_open_per_condition",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "assignee", "status", "due_on"], name="task_inbox"),
            models.Index(fields=["tenant", "account", "status"], name="task_account"),
        ]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def words(self) -> tuple[str, str]:
        """(title, reason) in the active language: a rule's task is worded again from its
        figures; a task written by a person or a playbook reads as written."""
        from health.alert_words import alert_words  # it reads the band labels of the models

        return alert_words(self.kind, self.figures) or (self.title, self.reason)

    @property
    def shown_title(self) -> str:
        return self.words[0]

    @property
    def shown_reason(self) -> str:
        return self.words[1]


class HealthSettings(TenantModel):
    """A tenant's settings for tasks: who gets a task when its account has no owner."""

    task_fallback_assignee = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee of tasks on accounts without an owner"),
    )
    # The last local day the alert rules ran for (and started and stopped playbooks for):
    # a run that stopped half-way resumes from the day after.
    rules_run_through = models.DateField(
        null=True, blank=True, editable=False, verbose_name=_("rules run through")
    )

    class Meta:
        verbose_name = _("health settings")
        verbose_name_plural = _("health settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="healthsettings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return f"health settings {self.tenant_id}"
