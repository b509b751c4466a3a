"""API endpoints of the accounts app: the key's tenant, its members, invitations."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from tenants import selectors
from tenants.api.serializers import InvitationSerializer, MemberSerializer, TenantSerializer
from tenants.models import Invitation, Membership
from tenants.services.invitations import invitation_revoke
from tenants.tenancy.permissions import IsTenantManager
from tenants.tenancy.viewsets import TenantReadOnlyViewSet, TenantViewSet


class TenantInfoViewSet(TenantViewSet):
    model = Membership

    @extend_schema(responses=TenantSerializer, summary="The tenant this request acts in")
    @action(detail=False, methods=["get"], url_path="", url_name="current")
    def current(self, request):
        return Response(TenantSerializer(request.tenant).data)


@extend_schema_view(
    list=extend_schema(summary="List the tenant's members"),
    retrieve=extend_schema(summary="Get one member"),
)
class MemberViewSet(TenantReadOnlyViewSet):
    model = Membership
    serializer_class = MemberSerializer

    def get_queryset(self):
        return selectors.members_list().order_by("-id")


@extend_schema_view(
    list=extend_schema(summary="List open invitations"),
    retrieve=extend_schema(summary="Get one invitation"),
    create=extend_schema(summary="Invite a teammate by email (sends the email)"),
    destroy=extend_schema(summary="Revoke an invitation"),
)
class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    model = Invitation
    serializer_class = InvitationSerializer
    permission_classes = [IsTenantManager]

    def get_queryset(self):
        return selectors.invitations_open()

    def perform_create(self, serializer):
        serializer.save()

    def perform_destroy(self, instance):
        invitation_revoke(tenant=self.request.tenant, invitation=instance)
