"""API of sales-to-CS handovers, one per account: list (filter by account) and read them with
their gaps; POST creates the account's handover or changes the one it has; PUT and PATCH
change it."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import Account
from onboarding.models import Handover, Plan
from onboarding.selectors import pages as selectors
from onboarding.services.handovers import handover_gaps, handover_save
from onboarding.services.plans import plan_progress
from tenants.api.fields import ExternalIdField, StrictSerializer
from tenants.api.pagination import DefaultCursorPagination
from tenants.tenancy.viewsets import TenantViewSet


class StakeholderSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="An email address, or empty.")  # fmt: skip


class GapSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field to fill in; empty: the whole handover.")
    message = serializers.CharField()


@extend_schema_field(StakeholderSerializer(many=True))
class StakeholdersField(serializers.ListField):
    """People as {name, role, email}; checked person by person by `handover_save`."""

    child = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=200))


class HandoverSerializer(StrictSerializer):
    account = ExternalIdField(Account, help_text="The account's external id.")
    stakeholders = StakeholdersField(
        required=False, max_length=30, help_text="People on the customer's side."
    )
    gaps = serializers.SerializerMethodField()
    completed_by = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The member who handed it over (first save)."
    )

    class Meta:
        model = Handover
        fields = [
            "id", "account", "goals", "stakeholders", "promised_features", "go_live_on",
            "risks", "gaps", "completed_by", "completed_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "completed_at", "updated_at"]
        extra_kwargs = {name: {"max_length": 5000}
                        for name in ("goals", "promised_features", "risks")}  # fmt: skip

    @extend_schema_field(GapSerializer(many=True))
    def get_gaps(self, handover) -> list[dict]:
        plans = list(handover.account.onboarding_plans.all())
        plan = plans[0] if plans else None
        percent = plan_progress(plan, list(plan.steps.all())).percent if plan else None
        today = self.context["request"].tenant.today()
        return [{"field": gap.field, "message": gap.message}
                for gap in handover_gaps(handover, plan, percent, today)]  # fmt: skip


HANDOVER_EXAMPLE = {
    "account": "crm-0042",
    "goals": "Cut churn in the SMB book by a third within a year; one view of account health.",
    "stakeholders": [
        {"name": "Dana Ionescu", "role": "VP Customer Success", "email": "dana@example.com"},
        {"name": "Lev Orlov", "role": "IT admin (SSO, data)", "email": "lev@example.com"},
    ],
    "promised_features": "Salesforce sync by go-live; Romanian interface.",
    "go_live_on": "2027-01-15",
    "risks": "IT is busy with an ERP migration until mid-December.",
}


class Pagination(DefaultCursorPagination):
    ordering = "-id"


@extend_schema_view(
    list=extend_schema(
        summary="List handovers, newest first, with their gaps",
        parameters=[
            OpenApiParameter("account", OpenApiTypes.STR, description="An account's external id.")
        ],  # fmt: skip
    ),
    retrieve=extend_schema(summary="Get one handover with its gaps"),
    create=extend_schema(
        summary="Record an account's handover (or change the one it has)",
        description="201 when the account had no handover, 200 when its handover was changed "
        "(fields left out stay as they were).",
        examples=[OpenApiExample("A handover", value=HANDOVER_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(summary="Replace a handover's fields"),
    partial_update=extend_schema(
        summary="Change some fields of a handover",
        examples=[
            OpenApiExample("New date", value={"go_live_on": "2027-02-01"}, request_only=True)
        ],  # fmt: skip
    ),
)
class HandoverViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    model = Handover
    serializer_class = HandoverSerializer
    pagination_class = Pagination

    def get_queryset(self):
        plans = Plan.objects.prefetch_related("steps")
        rows = selectors.handovers().prefetch_related(
            Prefetch("account__onboarding_plans", queryset=plans)
        )
        if "account" in self.request.query_params:
            external_id = self.request.query_params["account"].replace("\x00", "")
            rows = rows.filter(account__external_id=external_id)
        return rows

    def _fields(self, data: dict) -> dict:
        fields = {name: value for name, value in data.items() if name != "account"}
        if "stakeholders" in fields:
            fields["stakeholders"] = [dict(person) for person in fields["stakeholders"]]
        return fields

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        handover, created = handover_save(
            tenant=request.tenant, account=serializer.validated_data["account"],
            member=request.membership, **self._fields(serializer.validated_data),
        )  # fmt: skip
        handover = self.get_queryset().get(pk=handover.pk)
        return Response(self.get_serializer(handover).data, status=201 if created else 200)

    def perform_update(self, serializer):
        account = serializer.validated_data.get("account", serializer.instance.account)
        if account.pk != serializer.instance.account_id:
            raise ValidationError({"account": [_("A handover stays with its account.")]})
        handover, _created = handover_save(
            tenant=self.request.tenant, account=account, member=self.request.membership,
            **self._fields(serializer.validated_data),
        )  # fmt: skip
        serializer.instance = self.get_queryset().get(pk=handover.pk)
