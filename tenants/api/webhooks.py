"""API of outbound webhooks: endpoints (CRUD, `test`, `rotate-secret`) and the delivery log
(list, get, `resend`). Owners and admins signed in, and API keys (integrations set up the
receivers); other members get 403. An endpoint's secret is shown when it is created and when
it is rotated."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from tenants import selectors
from tenants.api.fields import StrictSerializer
from tenants.api.pagination import DefaultCursorPagination
from tenants.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tenants.models.membership import MANAGE_ROLES
from tenants.services.webhooks import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_test,
    webhook_endpoint_update,
)
from tenants.tenancy.permissions import IsTenantMember
from tenants.tenancy.viewsets import TenantModelViewSet, TenantViewSet
from tenants.webhooks.events import EVENT_TYPES


class CanManageWebhooks(IsTenantMember):
    """API keys, and owners and admins signed in (reading too: the log shows responses)."""

    message = "Only owners, admins and API keys can manage webhooks."

    def has_permission(self, request, view):
        if getattr(request, "tenant", None) is None or not request.user.is_authenticated:
            return False
        membership = getattr(request, "membership", None)
        return membership is None or membership.role in MANAGE_ROLES


class WebhookEndpointSerializer(StrictSerializer):
    # Checked by the service, which names the field: an unknown event type, an unsafe URL.
    url = serializers.CharField(max_length=2000, help_text="https URL that receives the events.")
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64),
        max_length=len(EVENT_TYPES),
        help_text="Event types sent to this endpoint: " + ", ".join(EVENT_TYPES) + ".",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id", "url", "description", "event_types", "format", "enabled", "disabled_reason",
            "disabled_at", "failing_since", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "disabled_reason", "disabled_at", "failing_since", "created_at", "updated_at",
        ]  # fmt: skip


class WebhookEndpointSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret (whsec_...); keep it private."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="message.msg_id", help_text="The webhook-id.")
    event_type = serializers.CharField(source="message.event_type")
    payload = serializers.JSONField(source="message.payload", help_text="The event's body.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "endpoint", "webhook_id", "event_type", "status", "attempts",
            "next_attempt_at", "last_attempt_at", "response_status", "response_body", "error",
            "created_at", "succeeded_at", "payload",
        ]  # fmt: skip
        read_only_fields = fields


ENDPOINT_EXAMPLE = {
    "id": 3,
    "url": "https://hooks.example.com/csplatform",
    "description": "Our CRM",
    "event_types": ["account.churned", "task.opened"],
    "format": "standard",
    "enabled": True,
    "disabled_reason": "",
    "disabled_at": None,
    "failing_since": None,
    "created_at": "2026-12-02T09:12:44Z",
    "updated_at": "2026-12-02T09:12:44Z",
}
SECRET_EXAMPLE = {**ENDPOINT_EXAMPLE, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
DELIVERY_EXAMPLE = {
    "id": 41,
    "endpoint": 3,
    "webhook_id": "msg_5f0c1b6a2d6e4f7e9a1b2c3d4e5f6a7b",
    "event_type": "account.churned",
    "status": "pending",
    "attempts": 2,
    "next_attempt_at": "2026-12-02T09:18:00Z",
    "last_attempt_at": "2026-12-02T09:13:00Z",
    "response_status": 500,
    "response_body": "Internal Server Error",
    "error": "The endpoint answered 500.",
    "created_at": "2026-12-02T09:12:59Z",
    "succeeded_at": None,
    "payload": {
        "type": "account.churned",
        "timestamp": "2026-12-02T09:12:59Z",
        "data": {"account_id": 7, "account_external_id": "acme-1", "account_name": "Acme"},
    },
}


class EndpointPagination(DefaultCursorPagination):
    ordering = "id"


class DeliveryPagination(DefaultCursorPagination):
    ordering = "-id"


@extend_schema_view(
    list=extend_schema(
        summary="List webhook endpoints",
        examples=[OpenApiExample("An endpoint", value=ENDPOINT_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(summary="Get one webhook endpoint"),
    create=extend_schema(
        summary="Add a webhook endpoint; the answer holds its signing secret",
        description=(
            "The URL must be https and resolve to public addresses only (not loopback, "
            "private, link-local or this platform's own): otherwise 400 naming `url`. "
            "`format` `slack` sends a Slack incoming-webhook message instead of the event."
        ),
        responses={201: WebhookEndpointSecretSerializer},
        examples=[
            OpenApiExample(
                "Churn and tasks to our CRM",
                value={
                    "url": "https://hooks.example.com/csplatform",
                    "description": "Our CRM",
                    "event_types": ["account.churned", "task.opened"],
                },
                request_only=True,
            ),
            OpenApiExample("Created", value=SECRET_EXAMPLE, response_only=True),
        ],
    ),
    update=extend_schema(summary="Replace a webhook endpoint's settings"),
    partial_update=extend_schema(
        summary="Change some settings of a webhook endpoint, or switch it on or off",
        description="Switching an endpoint on clears its failures; switching it off fails "
        "its pending deliveries (resend them later).",
        examples=[OpenApiExample("Switch off", value={"enabled": False}, request_only=True)],
    ),
    destroy=extend_schema(summary="Delete a webhook endpoint and its delivery log"),
)
class WebhookEndpointViewSet(TenantModelViewSet):
    model = WebhookEndpoint
    serializer_class = WebhookEndpointSerializer
    pagination_class = EndpointPagination
    permission_classes = [CanManageWebhooks]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(tenant=request.tenant, **serializer.validated_data)
        data = WebhookEndpointSecretSerializer(endpoint).data
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = webhook_endpoint_update(
            tenant=self.request.tenant, endpoint=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        webhook_endpoint_delete(tenant=self.request.tenant, endpoint=instance)

    @extend_schema(
        summary="Send a test message (event type webhook.test) to this endpoint",
        description="400 when the endpoint is disabled. The delivery appears in the log.",
        request=None,
        responses={202: WebhookDeliverySerializer},
        examples=[OpenApiExample("Queued", value=DELIVERY_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["post"], url_path="test", url_name="test")
    def test(self, request, pk=None):
        delivery = webhook_endpoint_test(tenant=request.tenant, endpoint=self.get_object())
        delivery = selectors.webhook_deliveries().get(pk=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Rotate the signing secret; the answer holds the new one",
        description=(
            "For the next 24 hours messages carry two signatures, by the new secret and by "
            "the previous one, so receivers can switch without missing a message."
        ),
        request=None,
        responses={200: WebhookEndpointSecretSerializer},
        examples=[OpenApiExample("Rotated", value=SECRET_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret", url_name="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = webhook_endpoint_rotate_secret(tenant=request.tenant, endpoint=self.get_object())
        return Response(WebhookEndpointSecretSerializer(endpoint).data)


@extend_schema_view(
    list=extend_schema(
        summary="List webhook deliveries, newest first",
        description=(
            "Each delivery is one message to one endpoint, with its status and what its "
            "last attempt got back (status code and the first KB of the body)."
        ),
        parameters=[
            OpenApiParameter("endpoint", OpenApiTypes.INT, description="Only this endpoint's."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=DeliveryStatus.values, description="Only these."
            ),
        ],
        examples=[OpenApiExample("A failing delivery", value=DELIVERY_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(summary="Get one webhook delivery"),
)
class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = WebhookDelivery
    serializer_class = WebhookDeliverySerializer
    pagination_class = DeliveryPagination
    permission_classes = [CanManageWebhooks]

    def get_queryset(self):
        queryset = selectors.webhook_deliveries()
        if self.action != "list":
            return queryset
        params = self.request.query_params
        endpoint = params.get("endpoint")
        if endpoint is not None:
            if not (endpoint.isascii() and endpoint.isdecimal() and len(endpoint) < 19):
                raise serializers.ValidationError({"endpoint": ["Must be an endpoint's id."]})
            queryset = queryset.filter(endpoint_id=int(endpoint))
        state = params.get("status")
        if state is not None:
            if state not in DeliveryStatus.values:
                raise serializers.ValidationError(
                    {"status": [f"Must be one of {', '.join(DeliveryStatus.values)}."]}
                )
            queryset = queryset.filter(status=state)
        return queryset

    @extend_schema(
        summary="Send a delivery again, with the same webhook-id",
        description="Starts the retry schedule again. 400 when the endpoint is disabled.",
        request=None,
        responses={202: WebhookDeliverySerializer},
    )
    @action(detail=True, methods=["post"], url_path="resend", url_name="resend")
    def resend(self, request, pk=None):
        delivery = self.get_object()
        webhook_delivery_resend(tenant=request.tenant, delivery=delivery)
        delivery = selectors.webhook_deliveries().get(pk=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
