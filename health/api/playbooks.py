"""API of playbooks (read, with their steps) and playbook runs (list; create starts a
playbook on an account). Serializers and viewsets together: both are small and thin."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import Account
from health import playbook_selectors as selectors
from health.models import Playbook, PlaybookRun, PlaybookRunStep, PlaybookStep, RunStatus
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.playbooks import playbook_start
from tenants.api.fields import ExternalIdField, StrictSerializer
from tenants.api.pagination import DefaultCursorPagination
from tenants.tenancy.viewsets import TenantReadOnlyViewSet, TenantViewSet


class PlaybookStepSerializer(serializers.ModelSerializer):
    # Declared: the model's slug pattern would also be required of a task step's empty key.
    email_template_key = serializers.CharField(
        read_only=True, help_text="The email template's key; empty for a task step."
    )

    class Meta:
        model = PlaybookStep
        fields = [
            "position", "day_offset", "kind", "task_title", "task_priority", "task_due_days",
            "email_template_key", "contact_role",
        ]  # fmt: skip


class PlaybookSerializer(serializers.ModelSerializer):
    # Declared for the same reason: a playbook made in the admin site may have no key.
    key = serializers.CharField(
        read_only=True, help_text="The default playbook this one is; empty for others."
    )
    steps = PlaybookStepSerializer(many=True, read_only=True)
    running = serializers.IntegerField(read_only=True, help_text="Runs running now.")

    class Meta:
        model = Playbook
        fields = [
            "id", "key", "name", "description", "enabled", "trigger", "stop_when_cleared",
            "running", "steps",
        ]  # fmt: skip


class PlaybookRunStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlaybookRunStep
        fields = ["position", "step", "due_on", "status", "task", "email", "done_at"]


class PlaybookRunSerializer(StrictSerializer):
    account = ExternalIdField(Account)
    playbook = serializers.PrimaryKeyRelatedField(
        queryset=Playbook.objects.all(),  # scoped to the request's tenant when evaluated
        error_messages={
            "does_not_exist": gettext_lazy("No playbook with id {pk_value} in this tenant.")
        },
    )
    steps = PlaybookRunStepSerializer(many=True, read_only=True)

    class Meta:
        model = PlaybookRun
        fields = [
            "id", "playbook", "account", "started_on", "started_at", "started_by",
            "trigger_kind", "status", "stopped_reason", "finished_at", "steps",
        ]  # fmt: skip
        read_only_fields = [
            "id", "started_on", "started_at", "started_by", "trigger_kind", "status",
            "stopped_reason", "finished_at",
        ]  # fmt: skip


PLAYBOOK_EXAMPLE = {
    "id": 1,
    "key": "at-risk-outreach",
    "name": "At-risk outreach",
    "description": "When an account's health band drops: call, write, follow up.",
    "enabled": True,
    "trigger": "band_dropped",
    "stop_when_cleared": True,
    "running": 4,
    "steps": [
        {"position": 0, "day_offset": 0, "kind": "task",
         "task_title": "Call the account: its health band dropped", "task_priority": "high",
         "task_due_days": 2, "email_template_key": "", "contact_role": ""},
        {"position": 1, "day_offset": 1, "kind": "email", "task_title": "",
         "task_priority": "medium", "task_due_days": 0, "email_template_key": "at-risk-checkin",
         "contact_role": ""},
    ],
}  # fmt: skip

RUN_EXAMPLE = {
    "id": 12,
    "playbook": 1,
    "account": "crm-0042",
    "started_on": "2026-12-02",
    "started_at": "2026-12-02T09:14:03Z",
    "started_by": 3,
    "trigger_kind": "manual",
    "status": "running",
    "stopped_reason": "",
    "finished_at": None,
    "steps": [
        {"position": 0, "step": {"kind": "task", "day_offset": 0,
         "task_title": "Call the account: its health band dropped"}, "due_on": "2026-12-02",
         "status": "done", "task": 88, "email": None, "done_at": "2026-12-02T09:14:03Z"},
        {"position": 1, "step": {"kind": "email", "day_offset": 1,
         "email_template_key": "at-risk-checkin"}, "due_on": "2026-12-03", "status": "pending",
         "task": None, "email": None, "done_at": None},
    ],
}  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        summary="List playbooks with their steps",
        description="Every tenant starts with the default playbooks; edit them in the admin site.",
        examples=[OpenApiExample("A playbook", value=PLAYBOOK_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get one playbook with its steps",
        examples=[OpenApiExample("A playbook", value=PLAYBOOK_EXAMPLE, response_only=True)],
    ),
)
class PlaybookViewSet(TenantReadOnlyViewSet):
    model = Playbook
    serializer_class = PlaybookSerializer

    def get_queryset(self):
        return selectors.playbooks()

    def list(self, request, *args, **kwargs):
        playbooks_ensure_defaults(tenant=request.tenant)
        return super().list(request, *args, **kwargs)


class RunPagination(DefaultCursorPagination):
    ordering = "-id"


@extend_schema_view(
    list=extend_schema(
        summary="List playbook runs, newest first, with their steps",
        parameters=[
            OpenApiParameter("account", OpenApiTypes.STR, description="An account's external id."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=RunStatus.values, description="Runs by status."
            ),
        ],
        examples=[OpenApiExample("A running run", value=RUN_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Start a playbook on an account",
        description=(
            "Starts today (the tenant's local day); steps due today run at once. A playbook "
            "already running on the account answers 200 with that run."
        ),
        examples=[
            OpenApiExample(
                "Start a playbook",
                value={"playbook": 1, "account": "crm-0042"},
                request_only=True,
            ),
            OpenApiExample("The run", value=RUN_EXAMPLE, response_only=True),
        ],
    ),
)
class PlaybookRunViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, TenantViewSet):
    model = PlaybookRun
    serializer_class = PlaybookRunSerializer
    pagination_class = RunPagination

    def get_queryset(self):
        steps = PlaybookRunStep.objects.order_by("due_on", "position", "id")
        runs = PlaybookRun.objects.select_related("account").prefetch_related(
            Prefetch("steps", queryset=steps)
        )
        params = self.request.query_params
        if "status" in params:
            if params["status"] not in RunStatus.values:
                raise ValidationError(
                    {"status": [_("Must be one of: %s.") % ", ".join(RunStatus.values)]}
                )
            runs = runs.filter(status=params["status"])
        if "account" in params:
            runs = runs.filter(account__external_id=params["account"].replace("\x00", ""))
        return runs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            run, created = playbook_start(
                tenant=request.tenant,
                playbook=serializer.validated_data["playbook"],
                account=serializer.validated_data["account"],
                day=request.tenant.today(),
                started_by=request.membership,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        run = self.get_queryset().get(pk=run.pk)
        return Response(self.get_serializer(run).data, status=201 if created else 200)
