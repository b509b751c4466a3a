"""The alert rules page: every member sees when each rule opens a task; owners and admins
switch and tune the rules and choose who gets the tasks of accounts without an owner. With
htmx, saving a rule swaps that rule's card only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from health.alerts import describe
from health.forms.rules import AlertRuleForm, TaskFallbackForm
from health.models import AlertRule
from health.services.rules import alert_rule_update, alert_rules_ensure_defaults
from health.services.task_settings import task_fallback_assignee_set
from health.services.tasks import health_settings_for
from tenants.models.membership import MANAGE_ROLES
from tenants.tenancy.views import TenantView

TEMPLATE = "health/alert_rules.html"


def _apply_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _item(rule: AlertRule, form: AlertRuleForm | None, saved: bool = False) -> dict:
    return {"rule": rule, "form": form, "summary": describe(rule), "saved": saved}


class AlertRulesView(TenantView):
    template_name = TEMPLATE
    write_roles = MANAGE_ROLES

    def get(self, request, bound=None, fallback_form=None, status=200):
        can_manage = request.membership.can_manage
        settings = health_settings_for(request.tenant)
        items = []
        for rule in alert_rules_ensure_defaults(tenant=request.tenant):
            form = None
            if can_manage:
                form = bound if bound is not None and bound.rule.pk == rule.pk else None
                form = form or AlertRuleForm(rule=rule)
            items.append(_item(rule, form))
        if can_manage and fallback_form is None:
            fallback_form = TaskFallbackForm(
                initial={"task_fallback_assignee": settings.task_fallback_assignee_id}
            )
        context = {
            "items": items,
            "can_manage": can_manage,
            "fallback_form": fallback_form,
            "fallback": settings.task_fallback_assignee,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        if request.POST.get("form") == "fallback":
            return self._fallback(request)
        rule = get_object_or_404(AlertRule.objects, pk=_pk(request.POST.get("rule")))
        form = AlertRuleForm(request.POST, rule=rule)
        if form.is_valid():
            try:
                rule = alert_rule_update(tenant=request.tenant, rule=rule, **form.changes())
            except ValidationError as error:
                _apply_errors(form, error)
        if form.errors:
            if request.htmx:
                # The card with its errors replaces the card; it answers 200 as the card is
                # the whole answer, not a refusal of the page.
                return self._card(request, _item(rule, form))
            return self.get(request, bound=form, status=400)
        if request.htmx:
            return self._card(request, _item(rule, AlertRuleForm(rule=rule), saved=True))
        messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
        return redirect("alert-rules")

    def _card(self, request, item: dict, status: int = 200):
        context = {"item": item, "can_manage": True}
        response = render(request, f"{TEMPLATE}#rule", context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def _fallback(self, request):
        form = TaskFallbackForm(request.POST)
        if form.is_valid():
            try:
                task_fallback_assignee_set(
                    tenant=request.tenant,
                    assignee=form.cleaned_data["task_fallback_assignee"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Assignee of tasks without an owner saved."))
                return redirect("alert-rules")
        return self.get(request, fallback_form=form, status=400)


def _pk(value) -> int:
    """A rule's id from the form; anything else names no rule (404)."""
    if value and value.isascii() and value.isdecimal() and len(value) < 19:
        return int(value)
    return 0
