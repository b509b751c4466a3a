"""The one router of REST API v1; each app registers its viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api.nps import NpsResponseViewSet
from accounts.api.surveys import SurveySendViewSet, SurveyViewSet
from accounts.api.viewsets import (
    AccountViewSet,
    ContactViewSet,
    NoteViewSet,
    SubscriptionViewSet,
)
from csplatform.personal_data.api import ContactPersonalDataViewSet
from health.api.playbooks import PlaybookRunViewSet, PlaybookViewSet
from health.api.rules import AlertRuleViewSet
from health.api.task_viewsets import TaskViewSet
from health.api.viewsets import HealthScoreViewSet, ScorecardVersionViewSet, ScorecardViewSet
from knowledgebase.api.public import PublicArticleViewSet, PublicSearchView
from knowledgebase.api.viewsets import ArticleViewSet, CategoryViewSet
from metrics.api.catalog import (
    ChurnReasonViewSet,
    ChurnRecordViewSet,
    FeatureViewSet,
    SpendViewSet,
)
from metrics.api.events import EventViewSet
from metrics.api.figures import MetricFigureViewSet
from onboarding.api.handovers import HandoverViewSet
from onboarding.api.plans import PlanViewSet
from onboarding.api.portal_links import PortalLinkViewSet
from onboarding.api.templates import TemplateViewSet
from tenants.api.viewsets import InvitationViewSet, MemberViewSet, TenantInfoViewSet
from tenants.api.webhooks import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("members", MemberViewSet, basename="member")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
router.register("contacts", ContactPersonalDataViewSet, basename="contact-privacy")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("notes", NoteViewSet, basename="note")
router.register("features", FeatureViewSet, basename="feature")
router.register("nps-responses", NpsResponseViewSet, basename="nps-response")
router.register("surveys", SurveyViewSet, basename="survey-api")
router.register("survey-sends", SurveySendViewSet, basename="survey-send-api")
router.register("churn-reasons", ChurnReasonViewSet, basename="churn-reason")
router.register("churn-records", ChurnRecordViewSet, basename="churn-record")
router.register("spend", SpendViewSet, basename="spend")
router.register("events", EventViewSet, basename="event")
router.register("metrics", MetricFigureViewSet, basename="metrics")
router.register("scorecards", ScorecardViewSet, basename="scorecard")
router.register("scorecard-versions", ScorecardVersionViewSet, basename="scorecard-version")
router.register("health-scores", HealthScoreViewSet, basename="health-score")
router.register("tasks", TaskViewSet, basename="task")
router.register("alert-rules", AlertRuleViewSet, basename="alert-rule")
router.register("playbooks", PlaybookViewSet, basename="playbook")
router.register("playbook-runs", PlaybookRunViewSet, basename="playbook-run")
router.register("onboarding/templates", TemplateViewSet, basename="onboarding-template-api")
router.register("onboarding/plans", PlanViewSet, basename="onboarding-plan-api")
router.register("onboarding/handovers", HandoverViewSet, basename="onboarding-handover-api")
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("onboarding/portal-links", PortalLinkViewSet, basename="onboarding-portal-link")
router.register("kb/categories", CategoryViewSet, basename="kb-category")
router.register("kb/articles", ArticleViewSet, basename="kb-article")
# The public help center: no credentials, the tenant named by its slug.
router.register(
    r"help/(?P<tenant_slug>[-a-zA-Z0-9_]+)/articles",
    PublicArticleViewSet,
    basename="help-api-article",
)

urlpatterns = [
    path("tenant/", TenantInfoViewSet.as_view({"get": "current"}), name="tenant-current"),
    path("help/<slug:tenant_slug>/search/", PublicSearchView.as_view(), name="help-api-search"),
    *router.urls,
]
