"""Top-level URLs: pages, auth, admin, API v1 and its schema, health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views.api_keys import APIKeyListView, APIKeyRevokeView
from accounts.views.customers import CustomerDetailView, CustomerListView
from accounts.views.data_io import (
    DataExportView,
    DataImportView,
    ImportJobApplyView,
    ImportJobView,
)
from accounts.views.home import HomeView
from accounts.views.invitations import InvitationAcceptView
from accounts.views.team import InvitationRevokeView, MemberRemoveView, MemberRoleView, TeamView
from accounts.views.tenant_switch import TenantSwitchView
from csplatform.views import healthz
from metrics.views import (
    MetricDefinitionsView,
    MetricsDashboardView,
    RecomputeJobView,
    RecomputeView,
)

admin.site.site_header = "csplatform administration"
admin.site.site_title = "csplatform admin"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("customers/", CustomerListView.as_view(), name="customer-list"),
    path("customers/<int:pk>/", CustomerDetailView.as_view(), name="customer-detail"),
    path("metrics/", MetricsDashboardView.as_view(), name="metrics"),
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
    path("data/", DataImportView.as_view(), name="data-import"),
    path("data/imports/<int:pk>/", ImportJobView.as_view(), name="data-import-job"),
    path("data/imports/<int:pk>/apply/", ImportJobApplyView.as_view(), name="data-import-apply"),
    path("data/export/<str:kind>.csv", DataExportView.as_view(), name="data-export"),
    path("tenants/switch/", TenantSwitchView.as_view(), name="tenant-switch"),
    path("invitations/<str:token>/", InvitationAcceptView.as_view(), name="invitation-accept"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("csplatform.api_router")),
    path("v1/", include("metrics.api.segment_urls")),  # Segment-compatible tracking API
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("healthz", healthz, name="healthz"),
]
