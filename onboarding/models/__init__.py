"""Models of onboarding: checklist templates and each account's plan."""

from onboarding.models.handover import Handover
from onboarding.models.plan import Plan, PlanStatus, PlanStep, StepStatus
from onboarding.models.portal import PortalLink
from onboarding.models.template import CompletedBy, Milestone, OnboardingTemplate, TemplateStep

__all__ = [
    "CompletedBy",
    "Handover",
    "Milestone",
    "OnboardingTemplate",
    "Plan",
    "PlanStatus",
    "PlanStep",
    "PortalLink",
    "StepStatus",
    "TemplateStep",
]
