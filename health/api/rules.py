"""API of alert rules: every member reads them, owners and admins switch and tune them. A
tenant has one rule of each kind, so rules are neither created nor deleted here."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from health.models import PARAMETERS, AlertRule
from health.services.rules import alert_rule_update, alert_rules_ensure_defaults
from tenants.api.fields import StrictSerializer
from tenants.api.pagination import DefaultCursorPagination
from tenants.models.membership import MANAGE_ROLES
from tenants.tenancy.viewsets import TenantViewSet


def _parameter(help_text: str):
    # No bounds here: the service checks them, with one message per field.
    return serializers.IntegerField(required=False, allow_null=True, help_text=help_text)


class AlertRuleSerializer(StrictSerializer):
    points = _parameter("score_fell: the score fell by at least this many points.")
    window_days = _parameter("score_fell: against the score this many days before.")
    percent = _parameter(
        "usage_down: usage events of the last 30 days down by at least this percentage "
        "against the 30 days before."
    )
    days = _parameter(
        "renewal_at_risk: renewal within this many days; no_activity: no usage event for "
        "this many days; onboarding_stalled: a required onboarding step overdue by more than, "
        "or no step completed for more than, this many days."
    )
    max_score = _parameter("nps_detractor: an NPS answer of this score or lower.")
    due_days = serializers.IntegerField(
        help_text="The task is due this many days after the rule fired."
    )
    parameters = serializers.SerializerMethodField(
        help_text="The parameters this rule's kind reads; the others are null."
    )

    class Meta:
        model = AlertRule
        fields = [
            "id", "kind", "name", "enabled", "points", "window_days", "percent", "days",
            "max_score", "priority", "due_days", "parameters", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "kind", "updated_at"]

    def validate(self, attrs):
        kind = self.initial_data.get("kind") if isinstance(self.initial_data, dict) else None
        if kind is not None and self.instance is not None and kind != self.instance.kind:
            # Said, not ignored: a client that meant another rule must not think it changed.
            raise serializers.ValidationError({"kind": [_("A rule's kind cannot be changed.")]})
        return attrs

    def get_parameters(self, rule) -> list[str]:
        return list(PARAMETERS[rule.kind])


RULE_EXAMPLE = {
    "id": 2,
    "kind": "score_fell",
    "name": "Health score fell",
    "enabled": True,
    "points": 15,
    "window_days": 7,
    "percent": None,
    "days": None,
    "max_score": None,
    "priority": "medium",
    "due_days": 3,
    "parameters": ["points", "window_days"],
    "updated_at": "2026-12-02T09:12:44Z",
}


class RulePagination(DefaultCursorPagination):
    ordering = "id"


@extend_schema_view(
    list=extend_schema(
        summary="List the alert rules, one of each kind",
        description=(
            "Each rule opens a task for the account's owner (or the tenant's fallback "
            "assignee) when its condition starts on a day, after the nightly run; while the "
            "condition holds it opens no other, even once the task is done."
        ),
        examples=[OpenApiExample("A rule", value=RULE_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(summary="Get one alert rule"),
    update=extend_schema(
        summary="Replace an alert rule's settings (owners and admins)",
        description="A parameter the rule's kind does not read must be null.",
        examples=[
            OpenApiExample(
                "Score fell by 20 points in 14 days",
                value={
                    "name": "Health score fell",
                    "enabled": True,
                    "points": 20,
                    "window_days": 14,
                    "priority": "high",
                    "due_days": 2,
                },
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Switch an alert rule on or off, or tune some settings (owners and admins)",
        description=(
            "A negative or out-of-range window, percentage, number of points or days "
            "answers 400 naming the field."
        ),
        examples=[
            OpenApiExample("Switch off", value={"enabled": False}, request_only=True),
            OpenApiExample("Usage down 40%", value={"percent": 40}, request_only=True),
        ],
    ),
)
class AlertRuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, TenantViewSet
):
    model = AlertRule
    serializer_class = AlertRuleSerializer
    pagination_class = RulePagination
    required_roles = MANAGE_ROLES

    def list(self, request, *args, **kwargs):
        alert_rules_ensure_defaults(tenant=request.tenant)  # every tenant has them
        return super().list(request, *args, **kwargs)

    def perform_update(self, serializer):
        serializer.instance = alert_rule_update(
            tenant=self.request.tenant, rule=serializer.instance, **serializer.validated_data
        )
