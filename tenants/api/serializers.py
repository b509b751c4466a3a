"""Serializers of the accounts API. `tenant` and `id` are never writable."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.serializers import as_serializer_error

from tenants.forms import INVITABLE_ROLES
from tenants.models import Invitation, Membership, Tenant
from tenants.services.invitations import invitation_create


class TenantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ["slug", "name", "time_zone", "currency", "created_at"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "created_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=INVITABLE_ROLES)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "created_at", "expires_at", "sent_at"]
        read_only_fields = ["id", "status", "created_at", "expires_at", "sent_at"]

    def create(self, validated_data):
        request = self.context["request"]
        try:
            invitation = invitation_create(
                tenant=request.tenant,
                email=validated_data["email"],
                role=validated_data["role"],
                invited_by=request.user,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(as_serializer_error(error)) from None
        return invitation
