"""Playbook pages: the list, one playbook with its steps and running runs, and the account
page's playbooks panel (running runs, customer emails, "Start playbook", "Stop")."""

import re

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Account, EmailTemplate
from health import playbook_selectors as selectors
from health.forms.playbooks import PlaybookStartForm
from health.models import PlaybookRun
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.playbooks import playbook_start, playbook_stop
from tenants.tenancy.views import TenantView


class PlaybookListView(TenantView):
    template_name = "health/playbook_list.html"

    def get(self, request):
        playbooks_ensure_defaults(tenant=request.tenant)  # every tenant starts with them
        return render(request, self.template_name, {"playbooks": selectors.playbooks()})


PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _template_names(keys) -> dict[str, str]:
    """Email template key -> its subject (in the page's language when there is one), for
    showing a step by what the customer reads rather than by its key."""
    language = get_language() or ""
    names: dict[str, str] = {}
    # Never an empty list (which Django answers without a query): a constant query count.
    templates = EmailTemplate.objects.filter(key__in=set(keys) or {""}).order_by("language")
    for template in templates:
        if template.key not in names or language.startswith(template.language):
            # "{{ account_name }}" reads as "‹account name›": what goes there, not template code.
            names[template.key] = PLACEHOLDER.sub(
                lambda match: "‹" + match[1].replace("_", " ") + "›", template.subject
            )
    return names


def _name_templates(runs, keys=()) -> dict[str, str]:
    """Gives the runs' pending email steps a `template_name`; returns the names found."""
    pending = [step for run in runs for step in run.pending_steps]
    keys = [*keys, *(step.step.get("email_template_key") for step in pending)]
    names = _template_names(key for key in keys if key)
    for step in pending:
        key = step.step.get("email_template_key") or ""
        step.template_name = names.get(key, key)
    return names


class PlaybookDetailView(TenantView):
    template_name = "health/playbook_detail.html"

    def get(self, request, pk):
        playbook = get_object_or_404(selectors.playbooks(), pk=pk)
        runs = list(selectors.playbook_runs_running(playbook))
        steps = list(playbook.steps.all())
        names = _name_templates(runs, [s.email_template_key for s in steps])
        for step in steps:
            step.template_name = names.get(step.email_template_key, step.email_template_key)
        context = {
            "playbook": playbook,
            "steps": steps,
            "runs": runs,
            "today": request.tenant.today(),
        }
        return render(request, self.template_name, context)


def _start_form(data=None) -> PlaybookStartForm:
    form = PlaybookStartForm(data)
    form.fields["playbook"].empty_label = _("Choose a playbook")
    return form


class AccountPlaybooksView(TenantView):
    """A partial of the account page (htmx) and a page of its own without JavaScript. The
    start form is a plain POST that returns to the account page."""

    template_name = "health/account_playbooks.html"

    def get(self, request, pk, form=None, status=200):
        account = get_object_or_404(Account.objects, pk=pk)
        # The start form lists the defaults even before anyone opened the playbooks page.
        playbooks_ensure_defaults(tenant=request.tenant)
        runs = list(selectors.account_runs_running(account))
        _name_templates(runs)
        context = {
            "account": account,
            "runs": runs,
            "emails": selectors.account_customer_emails(account),
            "form": form or _start_form(),
            "today": request.tenant.today(),
        }
        template = self.template_name + ("#panel" if request.htmx else "")
        response = render(request, template, context, status=status)
        # The same address answers the panel (htmx) or a page: caches keep them apart.
        patch_vary_headers(response, ["HX-Request"])
        return response

    def post(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        form = _start_form(request.POST)
        if form.is_valid():
            try:
                playbook_start(
                    tenant=request.tenant,
                    playbook=form.cleaned_data["playbook"],
                    account=account,
                    day=request.tenant.today(),
                    started_by=request.membership,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("playbook", message)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=400)
        return redirect(reverse("account", args=[account.pk]) + "#account-playbooks")


class PlaybookRunStopView(TenantView):
    """Stop a running playbook on an account (CSMs and up); back to the account page."""

    def post(self, request, pk, run_pk):
        run = get_object_or_404(PlaybookRun.objects, pk=run_pk, account_id=pk)
        playbook_stop(tenant=request.tenant, run=run, by=request.membership)
        return redirect(reverse("account", args=[pk]) + "#account-playbooks")
