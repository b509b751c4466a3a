"""Addresses of the onboarding pages."""

from django.urls import path

from onboarding.views.account_plan import AccountOnboardingView, PlanStepDoneView

urlpatterns = [
    path(
        "accounts/<int:pk>/onboarding/", AccountOnboardingView.as_view(), name="account-onboarding"
    ),
    path(
        "accounts/<int:pk>/onboarding/steps/<int:step_pk>/done/",
        PlanStepDoneView.as_view(),
        name="plan-step-done",
    ),
]
