"""Models of onboarding: checklist templates and each account's plan."""

from onboarding.models.embed import EmbedSettings
from onboarding.models.handover import Handover
from onboarding.models.plan import Plan, PlanStatus, PlanStep, StepStatus
from onboarding.models.portal import PortalLink
from onboarding.models.question import PortalQuestion
from onboarding.models.template import (
    CompletedBy,
    Milestone,
    OnboardingTemplate,
    TemplateStep,
    TemplateVersion,
)

__all__ = [
    "CompletedBy",
    "EmbedSettings",
    "Handover",
    "Milestone",
    "OnboardingTemplate",
    "Plan",
    "PlanStatus",
    "PlanStep",
    "PortalLink",
    "PortalQuestion",
    "StepStatus",
    "TemplateStep",
    "TemplateVersion",
]
