"""Playbooks: named sequences of steps (a task for the CSM, or an email to the account's
contacts) at day offsets, started on an account by an alert rule or by a person. A run
copies its steps when it starts, so later edits of the playbook leave running runs alone."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from health.models.task import TaskKind, TaskPriority
from tenants.tenancy.models import TenantModel

MANUAL = "manual"
# Ten years: a step further out is a typo, and a due day that far overflows the date type.
MAX_STEP_DAYS = 3650
# The alert rules' kinds, which can start a playbook (TaskKind less manual and playbook).
RULE_KINDS = [
    (value, label)
    for value, label in TaskKind.choices
    if value not in (TaskKind.MANUAL, TaskKind.PLAYBOOK)
]


class PlaybookTrigger(models.TextChoices):
    MANUAL = MANUAL, _("Started by hand only")
    BAND_DROPPED = TaskKind.BAND_DROPPED.value, TaskKind.BAND_DROPPED.label
    SCORE_FELL = TaskKind.SCORE_FELL.value, TaskKind.SCORE_FELL.label
    USAGE_DOWN = TaskKind.USAGE_DOWN.value, TaskKind.USAGE_DOWN.label
    NPS_DETRACTOR = TaskKind.NPS_DETRACTOR.value, TaskKind.NPS_DETRACTOR.label
    RENEWAL_AT_RISK = TaskKind.RENEWAL_AT_RISK.value, TaskKind.RENEWAL_AT_RISK.label
    NO_ACTIVITY = TaskKind.NO_ACTIVITY.value, TaskKind.NO_ACTIVITY.label
    ONBOARDING_STALLED = TaskKind.ONBOARDING_STALLED.value, TaskKind.ONBOARDING_STALLED.label
    # Not a rule: the account's onboarding plan started (health.services.onboarding_checkins).
    PLAN_STARTED = "plan_started", _("Onboarding plan started")


class Playbook(TenantModel):
    """Every playbook can be started by hand; `trigger` names the alert rule that also
    starts it on an account when the rule fires."""

    # Names the default playbooks, so adding the defaults again adds none twice.
    key = models.SlugField(max_length=80, blank=True, verbose_name=_("key"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    trigger = models.CharField(
        _("trigger"), max_length=20, choices=PlaybookTrigger.choices, default=MANUAL
    )
    stop_when_cleared = models.BooleanField(
        _("stop when the condition clears"),
        default=False,
        help_text=_("Stop running runs when the rule that started them no longer fires."),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "key"], condition=~models.Q(key=""), name="playbook_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StepKind(models.TextChoices):
    TASK = "task", _("Task for the CSM")
    EMAIL = "email", _("Email to the contacts")


class PlaybookStep(TenantModel):
    playbook = models.ForeignKey(
        Playbook, on_delete=models.CASCADE, related_name="steps", verbose_name=_("playbook")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    day_offset = models.PositiveIntegerField(
        _("day"),
        default=0,
        validators=[MaxValueValidator(MAX_STEP_DAYS)],
        help_text=_("Days after the run starts (0: the day it starts)."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=StepKind.choices)
    task_title = models.CharField(_("task title"), max_length=200, blank=True)
    task_priority = models.CharField(
        _("task priority"), max_length=8, choices=TaskPriority.choices, default=TaskPriority.MEDIUM
    )
    task_due_days = models.PositiveIntegerField(
        _("task due after (days)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_STEP_DAYS)],
    )
    email_template_key = models.SlugField(_("email template"), max_length=80, blank=True)
    contact_role = models.CharField(
        _("contacts' role"),
        max_length=100,
        blank=True,
        help_text=_("Only contacts whose trait “role” is this; blank: all the account's contacts."),
    )

    class Meta:
        ordering = ["position", "day_offset", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="task") | ~models.Q(task_title=""),
                name="playbookstep_task_has_title",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="email") | ~models.Q(email_template_key=""),
                name="playbookstep_email_has_template",
            ),
            models.CheckConstraint(
                condition=models.Q(day_offset__lte=MAX_STEP_DAYS)
                & models.Q(task_due_days__lte=MAX_STEP_DAYS),
                name="playbookstep_days_bounded",
            ),
        ]

    def __str__(self) -> str:
        what = self.task_title if self.kind == StepKind.TASK else self.email_template_key
        return f"+{self.day_offset}d {what}"

    def snapshot(self) -> dict:
        """What a run keeps of the step when it starts."""
        return {
            "step_id": self.pk,
            "day_offset": self.day_offset,
            "kind": self.kind,
            "task_title": self.task_title,
            "task_priority": self.task_priority,
            "task_due_days": self.task_due_days,
            "email_template_key": self.email_template_key,
            "contact_role": self.contact_role,
        }


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class PlaybookRun(TenantModel):
    """One playbook on one account; at most one running run per account and playbook."""

    playbook = models.ForeignKey(
        Playbook, on_delete=models.CASCADE, related_name="runs", verbose_name=_("playbook")
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="playbook_runs",
        verbose_name=pgettext_lazy("label", "account"),
    )
    started_on = models.DateField(_("started on"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    trigger_kind = models.CharField(_("trigger"), max_length=20, choices=PlaybookTrigger.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    stopped_reason = models.CharField(_("stopped because"), max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("playbook run")
        verbose_name_plural = _("playbook runs")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "playbook"],
                condition=models.Q(status="running"),
                name="playbookrun_one_running",
            )
        ]
        indexes = [models.Index(fields=["tenant", "account", "status"], name="playbookrun_account")]

    def __str__(self) -> str:
        return f"{self.playbook} · {self.account}"


class RunStepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


class PlaybookRunStep(TenantModel):
    run = models.ForeignKey(
        PlaybookRun, on_delete=models.CASCADE, related_name="steps", verbose_name=_("run")
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))
    step = models.JSONField(
        default=dict, verbose_name=_("step")
    )  # PlaybookStep.snapshot() when the run started
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStepStatus.choices, default=RunStepStatus.PENDING
    )
    task = models.ForeignKey(
        "health.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("task"),
    )
    # The first email the step queued; all of them carry source "playbook:<this id>".
    email = models.ForeignKey(
        "accounts.CustomerEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("email"),
    )
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))

    class Meta:
        verbose_name = _("playbook run step")
        verbose_name_plural = _("playbook run steps")
        ordering = ["due_on", "position", "id"]
        indexes = [
            models.Index(fields=["tenant", "status", "due_on"], name="playbookrunstep_due"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} +{self.step.get('day_offset')}d"

    @property
    def source(self) -> str:
        return f"playbook:{self.pk}"
