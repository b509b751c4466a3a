"""Addresses of the onboarding pages."""

from django.urls import path

from onboarding.views.account_plan import (
    AccountOnboardingView,
    PlanStepDoneView,
    PortalLinkCreateView,
)
from onboarding.views.cohorts import OnboardingCohortsView
from onboarding.views.embed import EmbedChecklistView, EmbedSettingsView
from onboarding.views.funnel import OnboardingFunnelView
from onboarding.views.handover import HandoverView
from onboarding.views.portal import PortalTickView, PortalView
from onboarding.views.stalled import StalledOnboardingView
from onboarding.views.templates import TemplateDeleteView, TemplateFormView, TemplateListView

urlpatterns = [
    path("onboarding/", OnboardingFunnelView.as_view(), name="onboarding"),
    path("onboarding/stalled/", StalledOnboardingView.as_view(), name="onboarding-stalled"),
    path("onboarding/cohorts/", OnboardingCohortsView.as_view(), name="onboarding-cohorts"),
    path("p/<str:token>/", PortalView.as_view(), name="portal"),
    path("p/<str:token>/tick/", PortalTickView.as_view(), name="portal-tick"),
    path("embed/checklist/", EmbedChecklistView.as_view(), name="embed-checklist"),
    path("settings/onboarding-embed/", EmbedSettingsView.as_view(), name="onboarding-embed"),
    path(
        "accounts/<int:pk>/onboarding/", AccountOnboardingView.as_view(), name="account-onboarding"
    ),
    path(
        "accounts/<int:pk>/onboarding/steps/<int:step_pk>/done/",
        PlanStepDoneView.as_view(),
        name="plan-step-done",
    ),
    path(
        "accounts/<int:pk>/onboarding/portal-link/",
        PortalLinkCreateView.as_view(),
        name="portal-link-create",
    ),
    path("accounts/<int:pk>/handover/", HandoverView.as_view(), name="account-handover"),
    path("onboarding/templates/", TemplateListView.as_view(), name="onboarding-templates"),
    path(
        "onboarding/templates/new/", TemplateFormView.as_view(), name="onboarding-template-create"
    ),
    path(
        "onboarding/templates/<int:pk>/edit/",
        TemplateFormView.as_view(),
        name="onboarding-template-edit",
    ),
    path(
        "onboarding/templates/<int:pk>/delete/",
        TemplateDeleteView.as_view(),
        name="onboarding-template-delete",
    ),
]
