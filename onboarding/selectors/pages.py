"""Reads of onboarding for pages and the API, with what they show fetched at once."""

from django.db.models import Count, Prefetch, Q, QuerySet

from onboarding.models import Handover, OnboardingTemplate, Plan, PlanStatus, PlanStep


def templates_overview() -> QuerySet[OnboardingTemplate]:
    """Templates in the order they are tried, each with its steps and running plans counted."""
    return OnboardingTemplate.objects.annotate(
        steps_count=Count("steps", distinct=True),
        running_count=Count("plans", filter=Q(plans__status=PlanStatus.RUNNING), distinct=True),
    ).order_by("is_default", "priority", "name", "id")


def templates_with_steps() -> QuerySet[OnboardingTemplate]:
    return templates_overview().prefetch_related("steps")


def plans_with_steps() -> QuerySet[Plan]:
    return Plan.objects.select_related("account").prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.order_by("position", "id"))
    )


def handovers() -> QuerySet[Handover]:
    return Handover.objects.select_related("account")
