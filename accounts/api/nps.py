"""The nps-responses endpoint: answers arrive by API, newest first."""

import django_filters as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from accounts.models import Account, Contact, NpsResponse
from accounts.services.nps import nps_response_record, nps_response_update
from tenants.api.fields import ExternalIdField, StrictSerializer, not_too_far_in_future
from tenants.api.filters import UtcIsoDateTimeFilter
from tenants.tenancy.upsert import UpsertMixin
from tenants.tenancy.viewsets import TenantModelViewSet


class NpsResponseSerializer(StrictSerializer):
    contact_external_id = ExternalIdField(Contact, source="contact")
    account_external_id = ExternalIdField(
        Account, source="account", required=False, allow_null=True,
        help_text="Defaults to the contact's account.",
    )  # fmt: skip
    score = serializers.IntegerField(min_value=0, max_value=10)
    answered_at = serializers.DateTimeField(validators=[not_too_far_in_future])
    category = serializers.CharField(read_only=True, help_text="promoter, passive or detractor")
    external_id = serializers.CharField(required=False, allow_null=True, max_length=255)

    class Meta:
        model = NpsResponse
        fields = [
            "id",
            "external_id",
            "contact_external_id",
            "account_external_id",
            "score",
            "category",
            "comment",
            "answered_at",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators = []

    def create(self, validated_data):
        validated_data.pop("tenant", None)  # the service takes it from the request
        response, self.created = nps_response_record(
            tenant=self.context["request"].tenant, **validated_data
        )
        return response

    def update(self, instance, validated_data):
        return nps_response_update(response=instance, **validated_data)


class NpsResponseFilter(filters.FilterSet):
    contact_external_id = filters.CharFilter(field_name="contact__external_id")
    account_external_id = filters.CharFilter(field_name="account__external_id")
    answered_after = UtcIsoDateTimeFilter(field_name="answered_at", lookup_expr="gte")
    answered_before = UtcIsoDateTimeFilter(field_name="answered_at", lookup_expr="lt")

    class Meta:
        model = NpsResponse
        fields = []


@extend_schema_view(
    list=extend_schema(summary="List NPS answers"),
    retrieve=extend_schema(summary="Get one NPS answer"),
    update=extend_schema(summary="Replace an NPS answer"),
    partial_update=extend_schema(summary="Change some fields of an NPS answer"),
    destroy=extend_schema(summary="Delete an NPS answer"),
    create=extend_schema(
        examples=[
            OpenApiExample(
                "An answer",
                value={
                    "external_id": "survey-2026-10/user-7",
                    "contact_external_id": "user-7",
                    "score": 9,
                    "comment": "Reports save me hours.",
                    "answered_at": "2026-10-01T09:30:00Z",
                },
                request_only=True,
            )
        ],
        summary="Record an NPS answer",
        description="Score 0-10. With an `external_id` the call is an upsert, so resending is "
        "safe (the answer is updated, not duplicated). A contact's latest answer is shown on "
        "the contact and the account.",
    ),
)
class NpsResponseViewSet(UpsertMixin, TenantModelViewSet):
    model = NpsResponse
    serializer_class = NpsResponseSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = NpsResponseFilter
    # POST upserts by external_id; PUT and PATCH change the answer the URL names (by id).
    update = mixins.UpdateModelMixin.update

    def get_queryset(self):
        return NpsResponse.objects.select_related("contact", "account")
