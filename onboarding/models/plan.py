"""Onboarding plans: one account's copy of a template's steps, with what was done, when and
by whom. Progress is the share of required steps done; a milestone is reached when the step
the template names for it is done."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onboarding.models.template import CompletedBy, OnboardingTemplate
from tenants.tenancy.models import TenantModel


class PlanStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class Plan(TenantModel):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="onboarding_plans",
        verbose_name=pgettext_lazy("label", "account"),
    )
    template = models.ForeignKey(
        OnboardingTemplate,
        null=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        verbose_name=_("template"),
    )
    template_version = models.PositiveIntegerField(default=1, verbose_name=_("template version"))
    # {milestone: step key}, from the template, kept in step with it.
    milestones = models.JSONField(default=dict, blank=True, verbose_name=_("milestones"))
    # Milestones whose `onboarding.milestone_reached` webhook event was emitted: each once,
    # even when a template edit later points a milestone at another step.
    milestones_announced = models.JSONField(
        default=list, blank=True, verbose_name=_("milestones announced")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.RUNNING
    )
    started_on = models.DateField(_("started on"))
    started_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("onboarding plan")
        verbose_name_plural = _("onboarding plans")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account"],
                condition=models.Q(status="running"),
                name="plan_one_running_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} onboarding"


class StepStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    REMOVED = "removed", _("Removed from the template")


class PlanStep(TenantModel):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("plan")
    )
    key = models.SlugField(max_length=60, verbose_name=_("key"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    title = models.JSONField(default=dict, verbose_name=_("title"))
    help = models.JSONField(default=dict, blank=True, verbose_name=_("help"))
    article_key = models.CharField(max_length=100, blank=True, verbose_name=_("article key"))
    required = models.BooleanField(default=True, verbose_name=_("required"))
    due_on = models.DateField(_("due"))
    completed_by = models.CharField(
        max_length=10, choices=CompletedBy.choices, verbose_name=_("completed by")
    )
    event_name = models.CharField(max_length=200, blank=True, verbose_name=_("event name"))
    event_count = models.PositiveIntegerField(default=1, verbose_name=_("event count"))
    trait_name = models.CharField(max_length=100, blank=True, verbose_name=_("trait name"))
    trait_value = models.CharField(max_length=200, blank=True, verbose_name=_("trait value"))
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by_contact = models.ForeignKey(
        "accounts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by contact"),
    )
    done_by_member = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by member"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "plan", "key"], name="planstep_key")
        ]
        indexes = [models.Index(fields=["tenant", "event_name", "status"], name="planstep_event")]

    def __str__(self) -> str:
        return self.title.get("en") or self.key

    def title_in(self, language: str) -> str:
        return self.title.get(language or "en") or self.title.get("en") or self.key

    def help_in(self, language: str) -> str:
        return self.help.get(language or "en") or self.help.get("en") or ""
