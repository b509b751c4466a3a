"""API of personal data requests: one contact's data as JSON, and its erasure (owners and
admins signed in; API keys, which integrations hold, cannot do either)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Contact
from accounts.services.personal_data import contact_erase
from csplatform.personal_data.export import contact_personal_data
from tenants.tenancy.permissions import IsTenantManager
from tenants.tenancy.viewsets import TenantViewSet

ErasedSerializer = inline_serializer(
    "ContactErased",
    {
        "erased": serializers.BooleanField(),
        "nps_answers": serializers.IntegerField(help_text="NPS answers deleted."),
        "usage_events": serializers.IntegerField(help_text="Usage events deleted."),
        "customer_emails": serializers.IntegerField(help_text="Logged customer emails deleted."),
    },
)


class ContactPersonalDataViewSet(TenantViewSet):
    model = Contact
    permission_classes = [IsTenantManager]
    lookup_field = "external_id"
    lookup_value_regex = "[^/]+"

    def _contact(self):
        queryset = self.scoped_queryset().select_related("account")
        return get_object_or_404(queryset, external_id=self.kwargs["external_id"])

    @extend_schema(
        summary="Export everything stored about one contact",
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"], url_path="personal-data", url_name="personal-data")
    def personal_data(self, request, external_id):
        return Response(contact_personal_data(tenant=request.tenant, contact=self._contact()))

    @extend_schema(
        summary="Erase one contact with its NPS answers, usage events and customer emails",
        request=None,
        responses={200: ErasedSerializer},
    )
    @action(detail=True, methods=["post"], url_path="erase", url_name="erase")
    def erase(self, request, external_id):
        counts = contact_erase(tenant=request.tenant, contact=self._contact())
        return Response({"erased": True, **counts})
