"""Top-level URLs: pages, sign-in, admin, API v1 and its schema, health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views.data_io import (
    DataExportView,
    DataImportView,
    ImportJobApplyView,
    ImportJobView,
)
from accounts.views.email import EmailUnsubscribeView
from accounts.views.survey_public import SurveyAnswerView, SurveyScoreView, SurveyThanksView
from csplatform.personal_data.views import ContactEraseView, ContactPersonalDataView
from csplatform.security.login_rate import login_rate_limited
from csplatform.views import Moved, healthz
from csplatform.workplace.account360 import Account360View, AccountTimelineView
from csplatform.workplace.home import HomeView
from csplatform.workplace.portfolio import (
    PortfolioExportView,
    PortfolioView,
    SavedViewChangeView,
    SavedViewCreateView,
)
from csplatform.workplace.renewals import RenewalsView
from knowledgebase.views.analytics import KnowledgeBaseAnalyticsView
from metrics.views import (
    AccountUsageView,
    MetricDefinitionsView,
    MetricsDashboardView,
    RecomputeJobView,
    RecomputeView,
)
from metrics.views.churn import ChurnRecordView, ChurnView
from tenants.audit.views import AuditLogExportView, AuditLogView
from tenants.forms import AdminSignInForm, SignInForm
from tenants.observability.views import metrics as prometheus_metrics
from tenants.views.api_keys import APIKeyListView, APIKeyRevokeView
from tenants.views.invitations import InvitationAcceptView
from tenants.views.language import LanguageSwitchView
from tenants.views.team import InvitationRevokeView, MemberRemoveView, MemberRoleView, TeamView
from tenants.views.tenant_switch import TenantSwitchView
from tenants.views.webhooks import (
    WebhookDeleteView,
    WebhookDeliveryResendView,
    WebhookDetailView,
    WebhookListView,
    WebhookRotateView,
    WebhookTestView,
    WebhookToggleView,
)

admin.site.site_header = "csplatform administration"
admin.site.site_title = "csplatform admin"
admin.site.login_form = AdminSignInForm


# Addresses of earlier versions, kept working for bookmarks and links already sent by email
# (password resets): the account pages were under /customers/, sign-in under /accounts/.
old_addresses = [
    path("customers/", Moved.as_view(pattern_name="accounts")),
    path("customers/<int:pk>/", Moved.as_view(pattern_name="account")),
    re_path(
        r"^accounts/(?P<rest>(?:login|logout|password_change|password_reset|reset)/.*)$",
        Moved.as_view(url="/%(rest)s"),
    ),
    # The platform's models moved from the accounts app to the tenants app.
    re_path(
        r"^admin/accounts/(?P<rest>(?:tenant|membership|invitation|tenantapikey)/.*)$",
        Moved.as_view(url="/admin/tenants/%(rest)s"),
    ),
]

urlpatterns = [
    *old_addresses,
    path("", HomeView.as_view(), name="home"),
    path("accounts/", PortfolioView.as_view(), name="accounts"),
    path("accounts/export.csv", PortfolioExportView.as_view(), name="portfolio-export"),
    path("accounts/views/", SavedViewCreateView.as_view(), name="portfolio-views"),
    path("accounts/views/<int:pk>/", SavedViewChangeView.as_view(), name="portfolio-view"),
    path("accounts/<int:pk>/", Account360View.as_view(), name="account"),
    path("accounts/<int:pk>/timeline/", AccountTimelineView.as_view(), name="account-timeline"),
    path("accounts/<int:pk>/usage/", AccountUsageView.as_view(), name="account-usage"),
    path(
        "contacts/<int:pk>/personal-data.json",
        ContactPersonalDataView.as_view(),
        name="contact-personal-data",
    ),
    path("contacts/<int:pk>/erase/", ContactEraseView.as_view(), name="contact-erase"),
    path("", include("health.urls")),
    path("", include("accounts.survey_urls")),
    path("", include("onboarding.urls")),
    path("knowledge-base/", KnowledgeBaseAnalyticsView.as_view(), name="kb-analytics"),
    # The tenants' public help centers (no sign-in; published articles only).
    path("help/", include("knowledgebase.public_urls")),
    path("", include("knowledgebase.urls")),
    path("metrics/", MetricsDashboardView.as_view(), name="metrics"),
    path("churn/", ChurnView.as_view(), name="churn"),
    path("churn/<int:pk>/", ChurnRecordView.as_view(), name="churn-record"),
    path("renewals/", RenewalsView.as_view(), name="renewals"),
    path("metrics/definitions/", MetricDefinitionsView.as_view(), name="metrics-definitions"),
    path("metrics/recompute/", RecomputeView.as_view(), name="metrics-recompute"),
    path("metrics/recompute/<int:pk>/", RecomputeJobView.as_view(), name="metrics-recompute-job"),
    path("settings/team/", TeamView.as_view(), name="team"),
    path("settings/team/members/<int:pk>/role/", MemberRoleView.as_view(), name="member-role"),
    path(
        "settings/team/members/<int:pk>/remove/", MemberRemoveView.as_view(), name="member-remove"
    ),
    path(
        "settings/team/invitations/<int:pk>/revoke/",
        InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("settings/api-keys/", APIKeyListView.as_view(), name="api-keys"),
    path("settings/api-keys/<str:pk>/revoke/", APIKeyRevokeView.as_view(), name="api-key-revoke"),
    path("settings/audit-log/", AuditLogView.as_view(), name="audit-log"),
    path("settings/audit-log.csv", AuditLogExportView.as_view(), name="audit-log-export"),
    path("settings/webhooks/", WebhookListView.as_view(), name="webhooks"),
    path("settings/webhooks/<int:pk>/", WebhookDetailView.as_view(), name="webhook"),
    path("settings/webhooks/<int:pk>/rotate/", WebhookRotateView.as_view(), name="webhook-rotate"),
    path("settings/webhooks/<int:pk>/enabled/", WebhookToggleView.as_view(), name="webhook-toggle"),
    path("settings/webhooks/<int:pk>/test/", WebhookTestView.as_view(), name="webhook-test"),
    path("settings/webhooks/<int:pk>/delete/", WebhookDeleteView.as_view(), name="webhook-delete"),
    path(
        "settings/webhooks/deliveries/<int:pk>/resend/",
        WebhookDeliveryResendView.as_view(),
        name="webhook-delivery-resend",
    ),
    path("data/", DataImportView.as_view(), name="data-import"),
    path("data/imports/<int:pk>/", ImportJobView.as_view(), name="data-import-job"),
    path("data/imports/<int:pk>/apply/", ImportJobApplyView.as_view(), name="data-import-apply"),
    path("data/export/<str:kind>.csv", DataExportView.as_view(), name="data-export"),
    path("tenants/switch/", TenantSwitchView.as_view(), name="tenant-switch"),
    path("settings/language/", LanguageSwitchView.as_view(), name="language"),
    path("invitations/<str:token>/", InvitationAcceptView.as_view(), name="invitation-accept"),
    path(
        "email/unsubscribe/<str:token>/", EmailUnsubscribeView.as_view(), name="email-unsubscribe"
    ),
    # A contact's personal survey link (no sign-in; the signed token is the key).
    path("s/<str:token>/", SurveyAnswerView.as_view(), name="survey-answer"),
    path("s/<str:token>/thanks/", SurveyThanksView.as_view(), name="survey-thanks"),
    path("s/<str:token>/<int:score>/", SurveyScoreView.as_view(), name="survey-score"),
    path(
        "login/",
        login_rate_limited(
            auth_views.LoginView.as_view(
                authentication_form=SignInForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("", include("django.contrib.auth.urls")),
    # Before admin.site.urls, so that the admin's sign-in is the rate-limited one.
    path("admin/login/", login_rate_limited(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("csplatform.api_router")),
    path("v1/", include("metrics.api.segment_urls")),  # Segment-compatible tracking API
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("healthz", healthz, name="healthz"),
    # Prometheus (not the metrics dashboard at /metrics/); bearer METRICS_TOKEN.
    path("ops/metrics", prometheus_metrics, name="prometheus-metrics"),
]

# Under the API's paths errors answer in its JSON error format, elsewhere as pages.
handler400 = "tenants.api.handlers.bad_request"
handler403 = "tenants.api.handlers.permission_denied"
handler404 = "tenants.api.handlers.page_not_found"
handler500 = "tenants.api.handlers.server_error"
