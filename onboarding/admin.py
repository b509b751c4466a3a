"""Admin site of onboarding (tenant staff: own rows only): templates with their steps inline,
saved through `template_save` (its messages name the step; running plans follow), deleted
through `template_delete`; handovers, changed through `handover_save`; plans read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet

from onboarding.models import Handover, OnboardingTemplate, Plan, PlanStatus, TemplateStep
from onboarding.services.handovers import handover_save, handover_validate
from onboarding.services.templates import (
    STEP_FIELDS,
    template_delete,
    template_save,
    template_validate,
)
from tenants.tenancy.admin import TenantAdmin, TenantChildInline

SETTINGS = ["name", "plan", "segment", "priority", "is_default"]


class StepFormSet(BaseInlineFormSet):
    """Checks the template with its steps by the service's rules: a bad template is a form
    error here, naming the step, not a failed save."""

    def steps(self) -> list[dict]:
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        kept.sort(key=lambda form: form.cleaned_data.get("position") or 0)
        return [{name: form.cleaned_data.get(name) for name in STEP_FIELDS} for form in kept]

    def clean(self):
        super().clean()
        try:
            template_validate(steps=self.steps(), milestones=self.instance.milestones or {})
        except ValidationError as error:
            raise ValidationError(
                [message for messages in error.message_dict.values() for message in messages]
            ) from None


class StepInline(TenantChildInline):
    model = TemplateStep
    formset = StepFormSet
    fields = ["position", *STEP_FIELDS]
    extra = 0
    formfield_overrides = {
        models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("position", "id")


@admin.register(OnboardingTemplate)
class OnboardingTemplateAdmin(TenantAdmin):
    list_display = ["name", "plan", "segment", "priority", "is_default", "version"]
    fields = [*SETTINGS, "milestones", "version"]
    readonly_fields = ["version"]
    inlines = [StepInline]

    def save_model(self, request, obj, form, change):
        # Saved with its steps in save_related, through the service; kept on the request, as
        # the admin class serves every request of the process.
        request.onboarding_template_pending = obj

    def save_formset(self, request, form, formset, change):
        pass  # the steps are written by the service in save_related

    def save_related(self, request, form, formsets, change):
        obj = request.onboarding_template_pending
        tenant = obj.tenant if obj.tenant_id else request.tenant
        member = getattr(request, "membership", None)  # a superuser may edit any tenant's
        saved = template_save(
            tenant=tenant,
            template=OnboardingTemplate.objects.for_tenant(tenant).get(pk=obj.pk)
            if change
            else None,
            steps=formsets[0].steps() if formsets else [],
            milestones=form.cleaned_data.get("milestones") or {},
            saved_by=member if member is not None and member.tenant_id == tenant.pk else None,
            **{name: form.cleaned_data.get(name) for name in SETTINGS},
        )
        obj.pk, obj.tenant_id, obj.version = saved.pk, saved.tenant_id, saved.version
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        template_delete(tenant=obj.tenant, template=obj)

    def has_delete_permission(self, request, obj=None):
        # The default template and one with running plans stay (see template_delete).
        if obj is not None and (
            obj.is_default or obj.plans.filter(status=PlanStatus.RUNNING).exists()
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, through the service's checks
        return actions


HANDOVER_FIELDS = ["goals", "stakeholders", "promised_features", "go_live_on", "risks"]


class HandoverForm(forms.ModelForm):
    class Meta:
        model = Handover
        fields = HANDOVER_FIELDS

    def clean(self):
        cleaned = super().clean()
        try:
            handover_validate(
                {
                    name: cleaned.get(name)
                    for name in HANDOVER_FIELDS
                    if name in cleaned and cleaned.get(name) is not None
                }
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(Handover)
class HandoverAdmin(TenantAdmin):
    form = HandoverForm
    list_display = ["account", "go_live_on", "completed_at", "updated_at"]
    fields = [
        "account",
        "goals",
        "stakeholders",
        "promised_features",
        "go_live_on",
        "risks",
        "completed_by",
        "completed_at",
    ]
    readonly_fields = ["account", "completed_by", "completed_at"]
    list_select_related = ["account"]

    def has_add_permission(self, request):
        return False  # made on the account's page or through the API

    def save_model(self, request, obj, form, change):
        handover_save(
            tenant=obj.tenant,
            account=obj.account,
            member=getattr(request, "membership", None),
            **{name: form.cleaned_data.get(name) for name in HANDOVER_FIELDS},
        )


@admin.register(Plan)
class PlanAdmin(TenantAdmin):
    list_display = ["account", "template", "status", "started_on", "completed_at"]
    list_filter = ["status"]
    list_select_related = ["account", "template"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
