"""Playbook pages: the list, one playbook with its steps and running runs, and the account
page's playbooks panel (running runs, customer emails, "Start playbook", "Stop")."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.models import Account
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


class PlaybookDetailView(TenantView):
    template_name = "health/playbook_detail.html"

    def get(self, request, pk):
        playbook = get_object_or_404(selectors.playbooks(), pk=pk)
        context = {
            "playbook": playbook,
            "runs": selectors.playbook_runs_running(playbook),
            "today": request.tenant.today(),
        }
        return render(request, self.template_name, context)


class AccountPlaybooksView(TenantView):
    """A partial of the account page (htmx) and a page of its own without JavaScript. The
    start form is a plain POST that returns to the account page."""

    template_name = "health/account_playbooks.html"

    def get(self, request, pk, form=None, status=200):
        account = get_object_or_404(Account.objects, pk=pk)
        # The start form lists the defaults even before anyone opened the playbooks page.
        playbooks_ensure_defaults(tenant=request.tenant)
        context = {
            "account": account,
            "runs": selectors.account_runs_running(account),
            "emails": selectors.account_customer_emails(account),
            "form": form or PlaybookStartForm(),
            "today": request.tenant.today(),
        }
        template = self.template_name + ("#panel" if request.htmx else "")
        return render(request, template, context, status=status)

    def post(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        form = PlaybookStartForm(request.POST)
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
