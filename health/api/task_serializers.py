"""Serializers of tasks: the task as read and opened by hand, and the changes a PATCH may make
(complete or cancel, snooze, reassign). The task services decide what is allowed."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Account
from health.models import Task, TaskStatus
from tenants.api.fields import ExternalIdField, StrictSerializer
from tenants.selectors import writers_list


class MemberIdField(serializers.PrimaryKeyRelatedField):
    """A member of the request's tenant who can act on tasks (not a viewer), by membership
    id (GET /api/v1/members/)."""

    default_error_messages = {
        "does_not_exist": _(
            "No member of this tenant who can act on tasks (not a viewer) has the id {pk_value}."
        ),
        "incorrect_type": _("Must be a member id (an integer)."),
    }

    def get_queryset(self):
        return writers_list()


class TaskSerializer(StrictSerializer):
    account_external_id = ExternalIdField(Account, source="account")
    account_name = serializers.CharField(source="account.name", read_only=True)
    assignee = MemberIdField(
        required=False,
        allow_null=True,
        help_text=_(
            "Membership id of a member who is not a viewer; when left out, the account's "
            "owner (or the fallback)."
        ),
    )
    assignee_email = serializers.EmailField(
        source="assignee.user.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Task
        fields = [
            "id", "account_external_id", "account_name", "title", "reason", "figures", "kind",
            "priority", "due_on", "status", "snoozed_until", "assignee", "assignee_email",
            "created_at", "closed_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "figures", "kind", "status", "snoozed_until", "created_at", "closed_at",
        ]  # fmt: skip

    def to_internal_value(self, data):
        if isinstance(data, dict):
            # Status and snooze change through PATCH, whose rules the services hold.
            errors = {
                name: [_("Read-only here; change it with PATCH.")]
                for name in data
                if name in self.fields and self.fields[name].read_only
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A rule's task in the language of the request (Accept-Language), like the pages.
        data["title"], data["reason"] = instance.words
        return data

    def validate_due_on(self, value):
        if value < self.context["request"].tenant.today():
            raise serializers.ValidationError(_("A new task is due today or later."))
        return value


class TaskUpdateSerializer(StrictSerializer):
    """What a PATCH may change. `status`: "done" completes an open task, "cancelled" closes
    it as no longer needed. `snoozed_until`: a later day, or null to show it again."""

    status = serializers.ChoiceField(
        choices=[(TaskStatus.DONE, TaskStatus.DONE.label),
                 (TaskStatus.CANCELLED, TaskStatus.CANCELLED.label)],
        required=False,
    )  # fmt: skip
    snoozed_until = serializers.DateField(required=False, allow_null=True)
    assignee = MemberIdField(required=False)

    class Meta:
        model = Task
        fields = ["status", "snoozed_until", "assignee"]
