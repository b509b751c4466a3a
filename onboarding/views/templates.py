"""Onboarding template pages: the list in the order templates are tried, the editor (owners
and admins; the settings, one row per step with its titles and help in each language, and
the milestones) and deleting one. Every save goes through `template_save`, whose messages
name the step; running plans follow the edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from onboarding.forms.templates import (
    StepFormSet,
    TemplateForm,
    kept_step_forms,
    step_initial,
)
from onboarding.models import OnboardingTemplate
from onboarding.selectors import pages as selectors
from onboarding.services.defaults import templates_ensure_defaults
from onboarding.services.templates import template_delete, template_save, template_steps_data
from tenants.tenancy.views import TenantManageView, TenantView

STEPS_PREFIX = "steps"
SETTINGS = ("name", "plan", "segment", "priority", "is_default")
NEW_ROW = {"required": "on", "due_days": "7", "completed_by": "customer", "event_count": "1"}


class TemplateListView(TenantView):
    template_name = "onboarding/template_list.html"

    def get(self, request):
        templates_ensure_defaults(tenant=request.tenant)  # every tenant starts with them
        templates = list(selectors.templates_overview())
        return render(request, self.template_name, {"templates": templates})


def _step_keys(data: QueryDict | None, initial: list[dict]) -> list[str]:
    """The keys the milestone menus offer: the rows' keys as sent, else as stored."""
    if data is None:
        return [step["key"] for step in initial]
    keys = [value for name, value in data.items()
            if name.startswith(f"{STEPS_PREFIX}-") and name.endswith("-key") and value]  # fmt: skip
    return list(dict.fromkeys(keys))


class TemplateFormView(TenantManageView):
    """Create (`pk` None) or edit a template. "Add a step" sends the form back with one more
    empty row, without JavaScript."""

    template_name = "onboarding/template_form.html"

    def _render(self, request, template, form, formset, general=(), status=200):
        context = {"template": template, "form": form, "formset": formset,
                   "general_errors": general}  # fmt: skip
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk=None):
        template = get_object_or_404(OnboardingTemplate.objects, pk=pk) if pk else None
        if template is None:
            initial, steps = {"priority": 100}, []
        else:
            steps = template_steps_data(template)
            initial = {name: getattr(template, name) for name in SETTINGS}
            initial |= {f"milestone_{name}": key for name, key in template.milestones.items()}
        form = TemplateForm(initial=initial, step_keys=_step_keys(None, steps))
        formset = StepFormSet(initial=[step_initial(s) for s in steps], prefix=STEPS_PREFIX)
        return self._render(request, template, form, formset)

    def post(self, request, pk=None):
        template = get_object_or_404(OnboardingTemplate.objects, pk=pk) if pk else None
        data = request.POST
        keys = _step_keys(data, [])
        if "add_row" in data:
            more = _with_one_more_row(data)
            form = TemplateForm(more or data, step_keys=keys)
            formset = StepFormSet(more or data, prefix=STEPS_PREFIX)
            if more is None:
                general = [_("The form came back with a broken row count: reload the page.")]
                return self._render(request, template, form, formset, general, status=400)
            return self._render(request, template, form, formset)
        form = TemplateForm(data, step_keys=keys)
        formset = StepFormSet(data, prefix=STEPS_PREFIX)
        if not (form.is_valid() & formset.is_valid()):
            return self._render(request, template, form, formset, status=400)
        fields = {name: form.cleaned_data[name] for name in SETTINGS}
        try:
            template = template_save(
                tenant=request.tenant, template=template, milestones=form.milestones(),
                steps=[row.as_step() for row in kept_step_forms(formset)],
                saved_by=request.membership, **fields,
            )  # fmt: skip
        except ValidationError as error:
            general = _errors_to_form(error, form)
            return self._render(request, template, form, formset, general, status=400)
        messages.success(
            request,
            _("Template %(name)s saved (version %(version)s); its running plans follow it.")
            % {"name": template.name, "version": template.version},
        )
        return redirect("onboarding-templates")


def _errors_to_form(error: ValidationError, form) -> list[str]:
    """The settings' errors next to their fields; the rest (steps, naming the step, and
    milestones) above the form."""
    rest = []
    for key, problems in error.message_dict.items():
        if key in form.fields:
            for problem in problems:
                form.add_error(key, problem)
        else:
            rest.extend(problems)
    return rest


def _with_one_more_row(data: QueryDict) -> QueryDict | None:
    key = f"{STEPS_PREFIX}-TOTAL_FORMS"
    value = data.get(key, "0")
    if not (value.isascii() and value.isdecimal()):
        return None
    data = data.copy()
    count = min(int(value), StepFormSet.max_num - 1)
    data[key] = str(count + 1)
    # The new row shows a new step's defaults, and is left out until it is filled in.
    for name, default in NEW_ROW.items():
        data[f"{STEPS_PREFIX}-{count}-{name}"] = default
    data[f"{STEPS_PREFIX}-{count}-ORDER"] = str(count + 1)
    return data


class TemplateDeleteView(TenantManageView):
    template_name = "onboarding/template_delete.html"

    def get(self, request, pk, error=None, status=200):
        template = get_object_or_404(selectors.templates_overview(), pk=pk)
        context = {"template": template, "error": error}
        return render(request, self.template_name, context, status=status)

    def post(self, request, pk):
        template = get_object_or_404(OnboardingTemplate.objects, pk=pk)
        try:
            template_delete(tenant=request.tenant, template=template)
        except ValidationError as error:
            return self.get(request, pk, error=" ".join(error.messages), status=400)
        messages.success(request, _("Template %(name)s deleted.") % {"name": template.name})
        return redirect("onboarding-templates")
