"""API of onboarding plans: list and read them with their progress, milestones and steps
(filtered by account or status), start one for an account (from the template that fits it,
or the one named), and complete a step (idempotent: a second call changes nothing and says
so)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import Account
from onboarding.models import Milestone, OnboardingTemplate, Plan, PlanStatus, PlanStep
from onboarding.selectors import pages as selectors
from onboarding.services.defaults import templates_ensure_defaults
from onboarding.services.plans import plan_progress, plan_start, step_complete
from tenants.api.fields import ExternalIdField, StrictSerializer
from tenants.api.pagination import DefaultCursorPagination
from tenants.tenancy.viewsets import TenantViewSet


class PlanStepSerializer(serializers.ModelSerializer):
    title = serializers.DictField(child=serializers.CharField(), help_text="By language.")
    help = serializers.DictField(child=serializers.CharField(), help_text="By language.")

    class Meta:
        model = PlanStep
        fields = [
            "key", "position", "title", "help", "article_key", "required", "due_on",
            "completed_by", "event_name", "event_count", "trait_name", "trait_value", "status",
            "done_at",
        ]  # fmt: skip
        read_only_fields = fields


class MilestoneSerializer(serializers.Serializer):
    milestone = serializers.ChoiceField(choices=Milestone.choices)
    step_key = serializers.CharField()
    reached_at = serializers.DateTimeField(allow_null=True, help_text="Null: not reached yet.")


class PlanSerializer(StrictSerializer):
    account = ExternalIdField(Account, help_text="The account's external id.")
    template = serializers.PrimaryKeyRelatedField(
        queryset=OnboardingTemplate.objects.all(),  # scoped to the request's tenant when read
        required=False,
        allow_null=True,
        help_text="The template to start from; left out: the one that fits the account.",
        error_messages={
            "does_not_exist": gettext_lazy(
                "No onboarding template with id {pk_value} in this tenant."
            )  # fmt: skip
        },
    )
    percent = serializers.IntegerField(source="progress.percent", read_only=True,
                                       help_text="Share of required steps done.")  # fmt: skip
    done = serializers.IntegerField(source="progress.done", read_only=True,
                                    help_text="Required steps done.")  # fmt: skip
    required = serializers.IntegerField(
        source="progress.required", read_only=True, help_text="Required steps, removed ones aside."
    )
    milestones = serializers.SerializerMethodField()
    steps = PlanStepSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id", "account", "template", "template_version", "status", "started_on",
            "completed_at", "percent", "done", "required", "milestones", "steps",
        ]  # fmt: skip
        read_only_fields = ["id", "template_version", "status", "started_on", "completed_at"]

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, plan) -> list[dict]:
        reached = plan.progress.milestones
        return [
            {"milestone": name, "step_key": plan.milestones[name], "reached_at": reached.get(name)}
            for name in Milestone.values
            if name in plan.milestones
        ]


def with_progress(plans):
    """The plans with `progress` set from their prefetched steps."""
    for plan in plans:
        plan.progress = plan_progress(plan, list(plan.steps.all()))
    return plans


class CompletionSerializer(serializers.Serializer):
    completed_now = serializers.BooleanField(
        help_text="True when this call completed the step; false when it was done already."
    )
    plan = PlanSerializer()


PLAN_EXAMPLE = {
    "id": 31,
    "account": "crm-0042",
    "template": 2,
    "template_version": 3,
    "status": "running",
    "started_on": "2026-11-20",
    "completed_at": None,
    "percent": 50,
    "done": 2,
    "required": 4,
    "milestones": [
        {"milestone": "first_value", "step_key": "first-dashboard",
         "reached_at": "2026-11-24T10:02:11Z"},
        {"milestone": "activated", "step_key": "team-invited", "reached_at": None},
    ],
    "steps": [
        {"key": "kickoff", "position": 0, "title": {"en": "Kickoff call"},
         "help": {"en": "Agree goals and a go-live date."}, "article_key": "", "required": True,
         "due_on": "2026-11-25", "completed_by": "csm", "event_name": "", "event_count": 1,
         "trait_name": "", "trait_value": "", "status": "done",
         "done_at": "2026-11-21T15:40:00Z"},
        {"key": "team-invited", "position": 2, "title": {"en": "Invite three teammates"},
         "help": {}, "article_key": "", "required": True, "due_on": "2026-12-04",
         "completed_by": "event", "event_name": "user_invited", "event_count": 3,
         "trait_name": "", "trait_value": "", "status": "open", "done_at": None},
    ],
}  # fmt: skip


class Pagination(DefaultCursorPagination):
    ordering = "-id"


@extend_schema_view(
    list=extend_schema(
        summary="List onboarding plans, newest first, with progress, milestones and steps",
        parameters=[
            OpenApiParameter("account", OpenApiTypes.STR, description="An account's external id."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=PlanStatus.values, description="Plans by status."
            ),  # fmt: skip
        ],
        examples=[OpenApiExample("A running plan", value=PLAN_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get one onboarding plan",
        examples=[OpenApiExample("A running plan", value=PLAN_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Start an account's onboarding plan",
        description="From `template`, or the template that fits the account (its plan and "
        "segment, else the default). An account with a running plan answers 200 with it.",
        examples=[
            OpenApiExample("Start", value={"account": "crm-0042"}, request_only=True),
            OpenApiExample(
                "Start from a template",
                value={"account": "crm-0042", "template": 2},
                request_only=True,
            ),  # fmt: skip
        ],
    ),
)
class PlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet
):
    model = Plan
    serializer_class = PlanSerializer
    pagination_class = Pagination

    def get_queryset(self):
        plans = selectors.plans_with_steps()
        params = self.request.query_params
        if "status" in params:
            if params["status"] not in PlanStatus.values:
                raise ValidationError(
                    {"status": [_("Must be one of: %s.") % ", ".join(PlanStatus.values)]}
                )
            plans = plans.filter(status=params["status"])
        if "account" in params:
            plans = plans.filter(account__external_id=params["account"].replace("\x00", ""))
        return plans

    def list(self, request, *args, **kwargs):
        page = with_progress(self.paginate_queryset(self.filter_queryset(self.scoped_queryset())))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        return with_progress([super().get_object()])[0]

    def _plan(self, pk) -> Plan:
        return with_progress([selectors.plans_with_steps().get(pk=pk)])[0]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        templates_ensure_defaults(tenant=request.tenant)
        try:
            plan, created = plan_start(
                tenant=request.tenant,
                account=serializer.validated_data["account"],
                template=serializer.validated_data.get("template"),
                started_by=request.membership,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(self.get_serializer(self._plan(plan.pk)).data,
                        status=201 if created else 200)  # fmt: skip

    @extend_schema(
        summary="Complete a step of a plan",
        description="Idempotent: the first call completes the step (`completed_now` true), "
        "later calls answer 200 with `completed_now` false. Any step may be completed this "
        "way, an automatic one too; a step removed from the template answers 400.",
        request=None,
        responses=CompletionSerializer,
        parameters=[
            OpenApiParameter(
                "key", OpenApiTypes.STR, OpenApiParameter.PATH, description="The step's key."
            )
        ],  # fmt: skip
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<key>[^/]+)/complete")
    def complete(self, request, pk=None, key=None):
        plan = super().get_object()
        # A key the database cannot hold (NUL) names no step either.
        step = PlanStep.objects.filter(plan=plan, key=key).first() if "\x00" not in key else None
        if step is None:
            raise Http404
        completed = step_complete(tenant=request.tenant, step=step, member=request.membership)
        data = {"completed_now": completed, "plan": self._plan(plan.pk)}
        return Response(CompletionSerializer(data, context=self.get_serializer_context()).data)
