"""Addresses of the onboarding pages."""

from django.urls import path

from onboarding.views.account_plan import AccountOnboardingView, PlanStepDoneView
from onboarding.views.cohorts import OnboardingCohortsView
from onboarding.views.funnel import OnboardingFunnelView
from onboarding.views.portal import PortalView
from onboarding.views.stalled import StalledOnboardingView

urlpatterns = [
    path("onboarding/", OnboardingFunnelView.as_view(), name="onboarding"),
    path("onboarding/stalled/", StalledOnboardingView.as_view(), name="onboarding-stalled"),
    path("onboarding/cohorts/", OnboardingCohortsView.as_view(), name="onboarding-cohorts"),
    path("p/<str:token>/", PortalView.as_view(), name="portal"),
    path(
        "accounts/<int:pk>/onboarding/", AccountOnboardingView.as_view(), name="account-onboarding"
    ),
    path(
        "accounts/<int:pk>/onboarding/steps/<int:step_pk>/done/",
        PlanStepDoneView.as_view(),
        name="plan-step-done",
    ),
]
