"""Admin site for playbooks: each playbook with its steps inline, and read-only runs
(tenant staff: own rows only). Imported by health/admin.py."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from accounts.models import EmailTemplate
from health.models import Playbook, PlaybookRun, PlaybookStep, StepKind
from tenants.tenancy.admin import TenantAdmin, TenantChildInline


class PlaybookStepForm(forms.ModelForm):
    # The playbook's tenant (set by the inline): its templates are the ones a step may name,
    # whoever edits it (a superuser edits other tenants' playbooks).
    tenant = None

    class Meta:
        model = PlaybookStep
        fields = [
            "position", "day_offset", "kind", "task_title", "task_priority", "task_due_days",
            "email_template_key", "contact_role",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.tenant_id is None and self.tenant is not None:
            self.instance.tenant = self.tenant  # not the editor's tenant: the playbook's

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == StepKind.TASK and not (cleaned.get("task_title") or "").strip():
            self.add_error("task_title", _("A task step needs a task title."))
        if kind == StepKind.EMAIL:
            key = cleaned.get("email_template_key") or ""
            if not key:
                self.add_error("email_template_key", _("An email step needs a template."))
            elif not (
                self.tenant is not None
                and EmailTemplate.objects.for_tenant(self.tenant)
                .filter(key=key, language="en")
                .exists()
            ):
                self.add_error(
                    "email_template_key",
                    _("No email template with this key in English (the fallback language)."),
                )
        return cleaned


class PlaybookStepInline(TenantChildInline):
    model = PlaybookStep
    form = PlaybookStepForm
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        tenant = obj.tenant if obj is not None else getattr(request, "tenant", None)
        kwargs["form"] = type(self.form.__name__, (self.form,), {"tenant": tenant})
        return super().get_formset(request, obj, **kwargs)


@admin.register(Playbook)
class PlaybookAdmin(TenantAdmin):
    """Edits change new runs only: a running run keeps the steps it started with."""

    list_display = ["name", "trigger", "stop_when_cleared", "enabled"]
    list_filter = ["enabled", "trigger"]
    fields = ["name", "description", "enabled", "trigger", "stop_when_cleared"]
    inlines = [PlaybookStepInline]

    def save_formset(self, request, form, formset, change):
        for step in formset.save(commit=False):
            step.tenant_id = form.instance.tenant_id
            step.save()
        for step in formset.deleted_objects:
            step.delete()


@admin.register(PlaybookRun)
class PlaybookRunAdmin(TenantAdmin):
    """Read-only: runs are started from the pages, the API and the alert rules."""

    list_display = ["playbook", "account", "started_on", "trigger_kind", "status"]
    list_filter = ["status", "trigger_kind"]
    list_select_related = ["playbook", "account"]
    readonly_fields = [
        "playbook", "account", "started_on", "started_at", "started_by", "trigger_kind",
        "status", "stopped_reason", "finished_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
