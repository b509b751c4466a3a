"""Onboarding checklist templates: ordered steps a new customer goes through, chosen by the
account's plan or segment, with the milestones ("first value", "activated", "adopted")
named by the step that reaches them.

Steps are identified by a key that stays the same across edits, so a running plan follows
its template's changes without losing what was done: new steps appear open, completed ones
stay completed, removed ones stay in the plan's history. Each edit raises `version`."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


class Milestone(models.TextChoices):
    FIRST_VALUE = "first_value", _("First value")
    ACTIVATED = "activated", _("Activated")
    ADOPTED = "adopted", _("Adopted")


class CompletedBy(models.TextChoices):
    CUSTOMER = "customer", _("The customer ticks it")
    CSM = "csm", _("The CSM ticks it")
    EVENT = "event", _("Automatically, when an event arrives N times")
    TRAIT = "trait", _("Automatically, when an account trait reaches a value")


class OnboardingTemplate(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    # Which new accounts it is for: a subscription plan's name and / or a segment; the
    # default serves the others. Matching templates are tried in priority order.
    plan = models.CharField(_("plan"), max_length=100, blank=True)
    segment = models.CharField(_("segment"), max_length=100, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    is_default = models.BooleanField(_("default"), default=False)
    # {milestone: step key}
    milestones = models.JSONField(_("milestones"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("version"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["priority", "name", "id"]
        verbose_name = _("onboarding template")
        verbose_name_plural = _("onboarding templates")

    def __str__(self) -> str:
        return self.name


class TemplateStep(TenantModel):
    template = models.ForeignKey(
        OnboardingTemplate,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("template"),
    )
    key = models.SlugField(_("key"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # {language: text}; English is required, the others fall back to it.
    title = models.JSONField(_("title"), default=dict)
    help = models.JSONField(_("help text"), default=dict, blank=True)
    article_key = models.CharField(_("help article key"), max_length=100, blank=True)
    required = models.BooleanField(_("required"), default=True)
    due_days = models.PositiveSmallIntegerField(
        _("due (days after the start)"), default=7, validators=[MaxValueValidator(365)]
    )
    completed_by = models.CharField(
        _("completed by"), max_length=10, choices=CompletedBy.choices, default=CompletedBy.CUSTOMER
    )
    event_name = models.CharField(_("event"), max_length=200, blank=True)
    event_count = models.PositiveIntegerField(
        _("times"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    trait_name = models.CharField(_("account trait"), max_length=100, blank=True)
    trait_value = models.CharField(_("trait value"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "template", "key"], name="templatestep_key")
        ]

    def __str__(self) -> str:
        return self.title.get("en") or self.key


class TemplateVersion(TenantModel):
    """A template as one save left it: its settings, steps and milestones. A plan names the
    version it follows (`Plan.template_version`), so what a customer was asked to do at any
    time can be read back."""

    template = models.ForeignKey(
        OnboardingTemplate,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("template"),
    )
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=120)
    settings = models.JSONField(
        default=dict, verbose_name=_("settings")
    )  # plan, segment, priority, is_default
    steps = models.JSONField(default=list, verbose_name=_("steps"))
    milestones = models.JSONField(default=dict, verbose_name=_("milestones"))
    saved_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "template", "version"], name="templateversion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
