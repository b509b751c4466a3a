"""The one router of REST API v1; each app registers its viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api.viewsets import InvitationViewSet, MemberViewSet, TenantInfoViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("members", MemberViewSet, basename="member")
router.register("invitations", InvitationViewSet, basename="invitation")

urlpatterns = [
    path("tenant/", TenantInfoViewSet.as_view({"get": "current"}), name="tenant-current"),
    *router.urls,
]
