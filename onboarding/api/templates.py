"""API of onboarding templates: list and read them with their steps; owners and admins
create, replace, change and delete them. Every write goes through `template_save` (its
messages name the step) and the running plans follow it."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers

from onboarding.models import Milestone, OnboardingTemplate, TemplateStep
from onboarding.selectors import pages as selectors
from onboarding.services.defaults import templates_ensure_defaults
from onboarding.services.templates import template_delete, template_save, template_steps_data
from tenants.api.fields import StrictSerializer
from tenants.api.pagination import DefaultCursorPagination
from tenants.models.membership import MANAGE_ROLES
from tenants.tenancy.viewsets import TenantModelViewSet

TEXTS_HELP = "By language: en, zh-hans, ru, ro (English required for the title)."


def texts_field(help_text: str, **kwargs) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(max_length=2000, allow_blank=True),
        help_text=help_text, **kwargs,
    )  # fmt: skip


class TemplateStepSerializer(StrictSerializer):
    key = serializers.CharField(max_length=60, help_text="Stable across edits: lower-case "
                                "letters, digits and dashes.")  # fmt: skip
    title = texts_field(TEXTS_HELP)
    help = texts_field(TEXTS_HELP, required=False)
    completed_by = serializers.CharField(
        required=False, help_text="customer, csm, event (event_name × event_count) or trait "
        "(trait_name = trait_value).",
    )  # fmt: skip
    # Bounds are checked by the service, whose message names the step.
    due_days = serializers.IntegerField(required=False, help_text="Due this many days after "
                                        "the plan starts (0-365).")  # fmt: skip
    event_count = serializers.IntegerField(required=False, help_text="1 to 100,000.")

    class Meta:
        model = TemplateStep
        fields = [
            "key", "title", "help", "article_key", "required", "due_days", "completed_by",
            "event_name", "event_count", "trait_name", "trait_value",
        ]  # fmt: skip


class TemplateSerializer(StrictSerializer):
    steps = TemplateStepSerializer(many=True, help_text="In order; replaces all of them.")
    milestones = serializers.DictField(
        child=serializers.CharField(max_length=60), required=False,
        help_text="Milestone (" + ", ".join(Milestone.values) + ") to the key of the step "
        "that reaches it.",
    )  # fmt: skip
    steps_count = serializers.IntegerField(read_only=True)
    running_plans = serializers.IntegerField(
        source="running_count", read_only=True, help_text="Plans running from it now."
    )

    class Meta:
        model = OnboardingTemplate
        fields = [
            "id", "name", "plan", "segment", "priority", "is_default", "milestones", "version",
            "steps_count", "running_plans", "steps", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "version", "created_at", "updated_at"]


TEMPLATE_EXAMPLE = {
    "name": "Enterprise",
    "plan": "Enterprise",
    "segment": "",
    "priority": 10,
    "is_default": False,
    "milestones": {"first_value": "first-dashboard", "activated": "team-invited"},
    "steps": [
        {"key": "kickoff", "title": {"en": "Kickoff call", "ru": "Стартовый звонок"},
         "help": {"en": "Agree goals and a go-live date."}, "required": True, "due_days": 5,
         "completed_by": "csm"},
        {"key": "first-dashboard", "title": {"en": "Build a first dashboard"},
         "article_key": "dashboards-101", "due_days": 10, "completed_by": "event",
         "event_name": "dashboard_created", "event_count": 1},
        {"key": "team-invited", "title": {"en": "Invite three teammates"}, "due_days": 14,
         "completed_by": "event", "event_name": "user_invited", "event_count": 3},
        {"key": "sso", "title": {"en": "Switch on single sign-on"}, "required": False,
         "due_days": 30, "completed_by": "trait", "trait_name": "sso_enabled",
         "trait_value": "true"},
    ],
}  # fmt: skip


class Pagination(DefaultCursorPagination):
    ordering = ("priority", "id")


@extend_schema_view(
    list=extend_schema(summary="List onboarding templates in the order they are tried"),
    retrieve=extend_schema(summary="Get one onboarding template with its steps"),
    create=extend_schema(
        summary="Create an onboarding template (owners and admins)",
        description="A step key used twice, a due offset outside 0-365 days, an automatic step "
        "without its event or trait, or a milestone naming no step answer 400 with messages "
        "naming the step.",
        examples=[OpenApiExample("Enterprise", value=TEMPLATE_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(
        summary="Replace an onboarding template (owners and admins)",
        description="Running plans follow: new steps appear open, done steps stay done, "
        "removed steps stay in their history. Each change raises `version`.",
        examples=[OpenApiExample("Enterprise", value=TEMPLATE_EXAMPLE, request_only=True)],
    ),
    partial_update=extend_schema(
        summary="Change some fields of an onboarding template (owners and admins)",
        description="`steps`, when given, replaces all of them; running plans follow.",
        examples=[OpenApiExample("Priority", value={"priority": 5}, request_only=True)],
    ),
    destroy=extend_schema(
        summary="Delete an onboarding template (owners and admins)",
        description="The default template and one with running plans are refused with 400.",
    ),
)
class TemplateViewSet(TenantModelViewSet):
    model = OnboardingTemplate
    serializer_class = TemplateSerializer
    pagination_class = Pagination
    required_roles = MANAGE_ROLES

    def get_queryset(self):
        return selectors.templates_with_steps()

    def list(self, request, *args, **kwargs):
        templates_ensure_defaults(tenant=request.tenant)  # every tenant starts with them
        return super().list(request, *args, **kwargs)

    def _save(self, serializer, template):
        data = dict(serializer.validated_data)
        if "steps" in data:
            steps = [dict(step) for step in data.pop("steps")]
        else:
            steps = template_steps_data(template)
        milestones = data.pop("milestones", template.milestones if template else {})
        saved = template_save(tenant=self.request.tenant, template=template, steps=steps,
                              milestones=milestones, saved_by=self.request.membership,
                              **data)  # fmt: skip
        serializer.instance = self.get_queryset().get(pk=saved.pk)

    def perform_create(self, serializer):
        self._save(serializer, None)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        template_delete(tenant=self.request.tenant, template=instance)
