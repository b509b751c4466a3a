"""Serializers of the customer resources: accounts, contacts, subscriptions, notes.

Writes go through the upsert services, so the API, CSV import and Segment calls share one
path. Related rows are named by external id; `tenant` and `id` are never writable.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Account, AccountNote, Contact, Subscription
from accounts.services.accounts import (
    account_upsert,
    contact_upsert,
    note_create,
    subscription_upsert,
)
from accounts.services.hierarchy import account_parent_problem
from tenants.api.fields import (
    ExternalIdField,
    OptionalEmailField,
    StrictSerializer,
    not_too_far_in_future,
    within_json_depth,
)
from tenants.models import Membership


@extend_schema_field(OpenApiTypes.EMAIL)
class MemberEmailField(ExternalIdField):
    """A member of the tenant, by the email they sign in with."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"does_not_exist": "No member of this tenant has the email {value!r}."},
        )
        super().__init__(Membership, slug_field="user__email__iexact", **kwargs)

    def get_queryset(self):
        return Membership.objects.select_related("user")

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)

    def to_representation(self, obj):
        return obj.user.email


class TenantUpsertSerializer(StrictSerializer):
    """Creates and updates through `upsert(tenant=..., external_id=..., **values)`."""

    upsert = None

    def validate_traits(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        return within_json_depth(value)

    def _call(self, validated_data, instance=None):
        tenant = self.context["request"].tenant
        external_id = validated_data.pop("external_id", None) or instance.external_id
        try:
            obj, self.created = type(self).upsert(
                tenant=tenant, external_id=external_id, **validated_data
            )
        except DjangoValidationError as error:
            # The service re-checks under its locks; report by the API's field names.
            raise serializers.ValidationError(self._by_field_name(error)) from None
        return obj

    def _by_field_name(self, error: DjangoValidationError) -> dict:
        if not hasattr(error, "error_dict"):
            return {"non_field_errors": error.messages}
        names = {field.source: name for name, field in self.fields.items()}
        return {names.get(key, key): messages for key, messages in error.message_dict.items()}

    def create(self, validated_data):
        return self._call(validated_data)

    def update(self, instance, validated_data):
        return self._call(validated_data, instance)


class AccountSerializer(TenantUpsertSerializer):
    upsert = staticmethod(account_upsert)
    owner_email = MemberEmailField(source="owner", required=False, allow_null=True)
    parent_external_id = ExternalIdField(
        Account, source="parent", required=False, allow_null=True,
        help_text=_(
            "The parent account (a subsidiary's group), by its external id; null for none."
        ),
    )  # fmt: skip

    class Meta:
        model = Account
        fields = [
            "id",
            "external_id",
            "name",
            "domain",
            "owner_email",
            "parent_external_id",
            "segment",
            "lifecycle_stage",
            "traits",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # uniqueness of external_id is what upsert is for

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("parent") is not None:
            problem = account_parent_problem(
                tenant=self.context["request"].tenant,
                account_pk=self.instance.pk if self.instance is not None else None,
                parent=attrs["parent"],
                pending=self.context.get("pending_parents"),
            )
            if problem:
                raise serializers.ValidationError({"parent_external_id": [problem]})
        return attrs


class LatestNpsSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    answered_at = serializers.DateTimeField()
    comment = serializers.CharField()


class ContactSerializer(TenantUpsertSerializer):
    upsert = staticmethod(contact_upsert)
    account_external_id = ExternalIdField(
        Account, source="account", required=False, allow_null=True
    )
    email = OptionalEmailField(
        max_length=254, help_text=_("The contact's email address; null when unknown.")
    )
    latest_nps = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "external_id",
            "account_external_id",
            "email",
            "name",
            "language",
            "email_unsubscribed_at",
            "traits",
            "latest_nps",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "email_unsubscribed_at", "created_at", "updated_at"]
        validators = []

    def get_latest_nps(self, contact) -> LatestNpsSerializer(allow_null=True):
        score = getattr(contact, "latest_nps_score", None)
        if score is None:
            return None
        return {
            "score": score,
            "answered_at": serializers.DateTimeField().to_representation(
                contact.latest_nps_answered_at
            ),
            "comment": contact.latest_nps_comment,
        }


class SubscriptionSerializer(TenantUpsertSerializer):
    upsert = staticmethod(subscription_upsert)
    account_external_id = ExternalIdField(Account, source="account")
    mrr = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = serializers.CharField(max_length=3, min_length=3, required=False)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "external_id",
            "account_external_id",
            "plan",
            "mrr",
            "currency",
            "start_date",
            "end_date",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []

    def validate_currency(self, value):
        if not (value.isalpha() and value.isupper()):
            raise serializers.ValidationError("Use a three-letter ISO 4217 code, e.g. USD.")
        return value

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end <= start:
            raise serializers.ValidationError(
                {"end_date": ["Must be after start_date (end dates are exclusive)."]}
            )
        return attrs


class NoteSerializer(StrictSerializer):
    account_external_id = ExternalIdField(Account, source="account")
    author_email = serializers.EmailField(
        source="author.user.email", read_only=True, allow_null=True,
        help_text=_("The member who wrote the note; null for notes written with an API key."),
    )  # fmt: skip
    occurred_at = serializers.DateTimeField(required=False, validators=[not_too_far_in_future])

    class Meta:
        model = AccountNote
        fields = ["id", "account_external_id", "body", "occurred_at", "author_email", "created_at"]
        read_only_fields = ["id", "author_email", "created_at"]

    def create(self, validated_data):
        request = self.context["request"]
        validated_data.pop("tenant", None)  # the service takes it from the request
        return note_create(
            tenant=request.tenant, author=getattr(request, "membership", None), **validated_data
        )
