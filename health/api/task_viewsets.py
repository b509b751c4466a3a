"""API endpoints of tasks: list (filtered), get, open one by hand, and complete, cancel,
snooze or reassign it with a PATCH. Tasks are never deleted; they are closed."""

import django_filters as filters
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins
from rest_framework.response import Response

from health.api.task_serializers import TaskSerializer, TaskUpdateSerializer
from health.inbox import task_can_act, tasks_list
from health.models import Task, TaskKind, TaskStatus
from health.services.tasks import task_open, task_update
from tenants.tenancy.viewsets import TenantViewSet


class TaskFilter(filters.FilterSet):
    assignee = filters.CharFilter(
        method="filter_assignee",
        label="Membership id, or `none` for unassigned tasks",
        validators=[RegexValidator(r"^(none|[0-9]{1,18})$", _("Must be a member id or none."))],
    )
    account = filters.NumberFilter(field_name="account_id", label="Account id")
    account_external_id = filters.CharFilter(field_name="account__external_id")
    status = filters.ChoiceFilter(choices=TaskStatus.choices)
    due_before = filters.DateFilter(
        field_name="due_on", lookup_expr="lt", label="Due before this day (not included)"
    )

    class Meta:
        model = Task
        fields = []

    def filter_assignee(self, queryset, name, value):
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))


TASK_EXAMPLE = {
    "id": 812,
    "account_external_id": "crm-0042",
    "account_name": "Initech",
    "title": "Health band dropped to poor",
    "reason": "The health score fell from 64 (average) to 38 (poor) in 7 days.",
    "figures": {"score": 38, "score_7_days_ago": 64},
    "kind": "band_dropped",
    "priority": "high",
    "due_on": "2026-07-03",
    "status": "open",
    "snoozed_until": None,
    "assignee": 14,
    "assignee_email": "csm@yourcompany.example",
    "created_at": "2026-07-01T02:10:00Z",
    "closed_at": None,
}


@extend_schema_view(
    list=extend_schema(
        summary="List tasks",
        description=(
            "Newest first. Filters: `assignee` (membership id, or `none`), `account` (id) or "
            "`account_external_id`, `status` (open, done, cancelled), `due_before` (a day, "
            "not included)."
        ),
        examples=[OpenApiExample("A task", value=TASK_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get one task",
        examples=[OpenApiExample("A task", value=TASK_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Open a task by hand on an account",
        description=(
            "`assignee` (a membership id) defaults to the account's owner, else the tenant's "
            "fallback assignee. `due_on` is a day in the tenant's time zone, today or later."
        ),
        examples=[
            OpenApiExample(
                "A task",
                value={
                    "account_external_id": "crm-0042",
                    "title": "Prepare the renewal call",
                    "reason": "Renewal on 1 September; the champion left in June.",
                    "priority": "medium",
                    "due_on": "2026-07-10",
                    "assignee": 14,
                },
                request_only=True,
            ),
            OpenApiExample("Opened", value=TASK_EXAMPLE, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Unknown account",
                value={
                    "error": {
                        "status": 400,
                        "code": "invalid",
                        "message": "Invalid input: check account_external_id.",
                        "fields": {
                            "account_external_id": [
                                "No account with external_id 'crm-9999' in this tenant."
                            ]
                        },
                    }
                },  # fmt: skip
                response_only=True,
                status_codes=["400"],
            ),
        ],
    ),
    partial_update=extend_schema(
        summary="Complete, cancel, snooze or reassign a task",
        description=(
            'Send any of: `status` "done" (complete) or "cancelled"; `snoozed_until` (a day '
            "after today in the tenant's time zone, or null to show the task again); "
            "`assignee` (a membership id of this tenant, not a viewer's). All or nothing; only "
            "open tasks change. A signed-in "
            "customer success manager may change their own tasks and unassigned ones."
        ),
        request=TaskUpdateSerializer,
        responses=TaskSerializer,
        examples=[
            OpenApiExample("Complete", value={"status": "done"}, request_only=True),
            OpenApiExample("Snooze", value={"snoozed_until": "2026-07-08"}, request_only=True),
            OpenApiExample("Reassign", value={"assignee": 15}, request_only=True),
            OpenApiExample(
                "Snooze in the past",
                value={
                    "error": {
                        "status": 400,
                        "code": "invalid",
                        "message": "Invalid input: check snoozed_until.",
                        "fields": {"snoozed_until": ["Snooze until a day after today."]},
                    }
                },  # fmt: skip
                response_only=True,
                status_codes=["400"],
            ),
        ],
    ),
)
class TaskViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet
):
    model = Task
    serializer_class = TaskSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TaskFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return tasks_list()

    def perform_create(self, serializer):
        data = serializer.validated_data
        task, _ = task_open(
            tenant=self.request.tenant,
            account=data["account"],
            title=data["title"],
            due_on=data["due_on"],
            kind=TaskKind.MANUAL,
            reason=data.get("reason", ""),
            priority=data.get("priority", Task._meta.get_field("priority").default),
            assignee=data.get("assignee"),
            created_by=self.request.membership,
        )
        serializer.instance = task

    def partial_update(self, request, *args, **kwargs):
        task = self.get_object()
        if not task_can_act(request.membership, task):
            raise PermissionDenied
        changes = TaskUpdateSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        task_update(  # raises ValidationError (400) naming the field
            tenant=request.tenant,
            task=task,
            by=request.membership,
            today=request.tenant.today(),
            **changes.validated_data,
        )
        return Response(TaskSerializer(self.get_queryset().get(pk=task.pk)).data)
