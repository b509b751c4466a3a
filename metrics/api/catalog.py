"""API of the feature catalog, churn records and acquisition spend."""

import datetime

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from metrics.models import AcquisitionSpend, ChurnReason, ChurnRecord, Feature
from metrics.services.catalog import (
    churn_record_save,
    feature_delete,
    feature_upsert,
    spend_delete,
    spend_upsert,
)
from tenants.api.fields import ExternalIdField, StrictSerializer
from tenants.tenancy.upsert import UpsertMixin
from tenants.tenancy.viewsets import TenantModelViewSet, TenantReadOnlyViewSet


class FeatureSerializer(StrictSerializer):
    class Meta:
        model = Feature
        fields = ["id", "event_name", "feature", "is_core", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []


@extend_schema_view(
    list=extend_schema(summary="List the feature catalog"),
    retrieve=extend_schema(summary="Get the mapping of one event name"),
    partial_update=extend_schema(summary="Change the mapping of one event name"),
    destroy=extend_schema(summary="Remove an event name from the catalog"),
    create=extend_schema(
        summary="Map an event name to a feature (upsert by event_name)",
        examples=[
            OpenApiExample(
                "A core feature",
                value={"event_name": "Report Exported", "feature": "Reporting", "is_core": True},
                request_only=True,
            )
        ],
    ),
    update=extend_schema(summary="Create or replace the mapping of this event name"),
)
class FeatureViewSet(UpsertMixin, TenantModelViewSet):
    model = Feature
    serializer_class = FeatureSerializer
    upsert_key = "event_name"
    upsert_service = staticmethod(feature_upsert)
    lookup_field = "event_name"
    lookup_value_regex = "[^/]+"

    def perform_destroy(self, instance):
        feature_delete(tenant=self.request.tenant, feature=instance)


class ChurnReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChurnReason
        fields = ["key", "label", "is_active"]


@extend_schema_view(
    list=extend_schema(summary="List the tenant's churn reasons"),
    retrieve=extend_schema(summary="Get one churn reason"),
)
class ChurnReasonViewSet(TenantReadOnlyViewSet):
    model = ChurnReason
    serializer_class = ChurnReasonSerializer
    lookup_field = "key"


class ChurnRecordSerializer(StrictSerializer):
    account_external_id = ExternalIdField(Account, source="account")
    reason = ExternalIdField(
        ChurnReason, slug_field="key", required=False, allow_null=True,
        help_text="A key from /churn-reasons/.",
    )  # fmt: skip

    class Meta:
        model = ChurnRecord
        fields = [
            "id",
            "account_external_id",
            "churned_on",
            "reason",
            "note",
            "tenure_months",
            "last_mrr",
            "engagement_trend",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "tenure_months",
            "last_mrr",
            "engagement_trend",
            "created_at",
            "updated_at",
        ]
        validators = []


@extend_schema_view(
    list=extend_schema(summary="List churn records"),
    retrieve=extend_schema(summary="Get one churn record"),
    update=extend_schema(summary="Replace a churn record"),
    destroy=extend_schema(summary="Delete a churn record"),
    create=extend_schema(
        summary="Record a churned account",
        examples=[
            OpenApiExample(
                "A churn",
                value={
                    "account_external_id": "crm-0042",
                    "churned_on": "2026-10-01",
                    "reason": "budget",
                    "note": "Budget frozen after their funding round fell through.",
                },
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(summary="Give a churn record its reason or note"),
)
class ChurnRecordViewSet(TenantModelViewSet):
    model = ChurnRecord
    serializer_class = ChurnRecordSerializer

    def get_queryset(self):
        return ChurnRecord.objects.select_related("account", "reason")

    def perform_create(self, serializer):
        serializer.instance = churn_record_save(
            tenant=self.request.tenant, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = churn_record_save(
            tenant=self.request.tenant, record=serializer.instance, **serializer.validated_data
        )


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A calendar month written YYYY-MM, stored as its first day."""

    default_error_messages = {"invalid": "Use the form YYYY-MM, e.g. 2026-03."}

    def to_internal_value(self, data):
        try:
            year, month = (int(part) for part in str(data).split("-"))
            return datetime.date(year, month, 1)  # refuses month 13 and year 0 alike
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value):
        return value.strftime("%Y-%m")


class SpendSerializer(StrictSerializer):
    month = MonthField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = serializers.CharField(max_length=3, min_length=3, required=False)

    class Meta:
        model = AcquisitionSpend
        fields = ["id", "month", "amount", "currency", "note", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []


@extend_schema_view(
    list=extend_schema(summary="List monthly sales and marketing spend (for CAC)"),
    retrieve=extend_schema(summary="Get one month's spend"),
    partial_update=extend_schema(summary="Change one month's spend"),
    destroy=extend_schema(summary="Delete one month's spend"),
    create=extend_schema(
        summary="Enter a month's spend (upsert by month)",
        examples=[
            OpenApiExample(
                "A month",
                value={"month": "2026-03", "amount": "18250.00", "note": "Ads and events"},
                request_only=True,
            )
        ],
    ),
    update=extend_schema(
        summary="Create or replace a month's spend",
        parameters=[OpenApiParameter("month", str, OpenApiParameter.PATH, description="YYYY-MM")],
    ),
)
class SpendViewSet(UpsertMixin, TenantModelViewSet):
    model = AcquisitionSpend
    serializer_class = SpendSerializer
    upsert_key = "month"
    upsert_service = staticmethod(spend_upsert)
    lookup_field = "month"
    lookup_value_regex = r"\d{4}-\d{2}"
    filter_backends = [DjangoFilterBackend]

    def get_object(self):
        self.kwargs["month"] = MonthField().to_internal_value(self.kwargs["month"])
        return super().get_object()

    def upsert_lookup_value(self, key):
        try:
            return MonthField().to_internal_value(key)
        except ValidationError:
            return None

    def perform_destroy(self, instance):
        spend_delete(tenant=self.request.tenant, spend=instance)
