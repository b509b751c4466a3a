"""API of customer portal links: POST /api/v1/onboarding/portal-links/ makes a contact's
personal link to its account's onboarding checklist (CSMs and up, or an API key) and
answers its URL and expiry. The URL is shown once: only its hash is stored."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from accounts.models import Contact
from onboarding.models import PortalLink
from onboarding.services.portal_links import LINK_DAYS, portal_link_create
from tenants.tenancy.viewsets import TenantViewSet


class PortalLinkRequestSerializer(serializers.Serializer):
    contact = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="The contact's id."
    )
    contact_external_id = serializers.CharField(
        required=False, max_length=255, help_text="Or the contact's external id."
    )
    days = serializers.IntegerField(
        required=False, default=LINK_DAYS, min_value=1, max_value=365,
        help_text=f"How long the link works (default {LINK_DAYS} days).",
    )  # fmt: skip

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = {key: ["Unknown field."] for key in data if key not in self.fields}
            if unknown:
                raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)

    def validate(self, attrs):
        by_id, by_external = attrs.get("contact"), attrs.get("contact_external_id")
        if (by_id is None) == (by_external is None):
            raise serializers.ValidationError(
                {"contact": ["Give either contact or contact_external_id."]}
            )
        if by_external is not None and "\x00" in by_external:
            raise serializers.ValidationError({"contact_external_id": ["Must be a string."]})
        contacts = Contact.objects.select_related("account")
        found = (
            contacts.filter(pk=by_id)
            if by_id is not None
            else contacts.filter(external_id=by_external)
        ).first()
        if found is None:
            field = "contact" if by_id is not None else "contact_external_id"
            raise serializers.ValidationError({field: ["No contact with this id in this tenant."]})
        attrs["found"] = found
        return attrs


class PortalLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The personal link; shown only now.")
    expires_at = serializers.DateTimeField()
    contact = serializers.IntegerField(source="contact_id")
    account_external_id = serializers.CharField(source="account.external_id")


class PortalLinkViewSet(mixins.CreateModelMixin, TenantViewSet):
    model = PortalLink
    serializer_class = PortalLinkRequestSerializer

    @extend_schema(
        summary="Make a contact's personal portal link (CSMs and up)",
        description=(
            "The link opens the contact's account's onboarding checklist without a sign-in; "
            "it shows that account only and answers 404 once expired. A contact with no "
            "account answers 400."
        ),
        request=PortalLinkRequestSerializer,
        responses={201: PortalLinkSerializer},
        examples=[
            OpenApiExample(
                "By external id",
                value={"contact_external_id": "c-42", "days": 30},
                request_only=True,
            )
        ],  # fmt: skip
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        link, url = portal_link_create(
            tenant=request.tenant, contact=data["found"], days=data["days"],
            created_by=request.membership,
        )  # fmt: skip
        link.url = url
        return Response(PortalLinkSerializer(link).data, status=status.HTTP_201_CREATED)
