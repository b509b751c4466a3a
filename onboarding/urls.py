"""Addresses of the onboarding pages."""

from django.urls import path

from onboarding.views.account_plan import AccountOnboardingView, PlanStepDoneView
from onboarding.views.portal import PortalView

urlpatterns = [
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
