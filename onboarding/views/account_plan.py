"""The account page's onboarding panel (htmx, and a page of its own without JavaScript):
the plan's progress and milestones, its steps with their due dates, "Mark done" (a CSM may
tick any step, an automatic one too), "Start onboarding" when the account has no plan, and
a personal portal link for each of the account's contacts, and the sales handover with its
gaps."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from accounts.models import Account, Contact
from onboarding.models import Handover, Plan, PlanStep, StepStatus
from onboarding.services.defaults import templates_ensure_defaults
from onboarding.services.handovers import handover_gaps
from onboarding.services.plans import plan_progress, plan_start, step_complete
from onboarding.services.portal_links import portal_link_create
from tenants.tenancy.views import TenantView


class AccountOnboardingView(TenantView):
    template_name = "onboarding/account_plan.html"

    def get(self, request, pk, error=None, status=200, new_link=None):
        account = get_object_or_404(Account.objects, pk=pk)
        plan = Plan.objects.filter(account=account).select_related("template").first()
        steps = list(plan.steps.all()) if plan else []
        language = get_language()
        for step in steps:
            step.shown_title = step.title_in(language)
            # A CSM may tick an automatic step too: the customer may have done it elsewhere.
            step.can_tick = step.status == StepStatus.OPEN
        progress = plan_progress(plan, steps) if plan else None
        today = request.tenant.today()
        handover = Handover.objects.filter(account=account).first()
        context = {
            "account": account,
            "plan": plan,
            "steps": [step for step in steps if step.status != StepStatus.REMOVED],
            "progress": progress,
            "today": today,
            "error": error,
            "contacts": list(account.contacts.order_by("name", "email", "pk")),
            "new_link": new_link,
            "handover": handover,
            "gaps": handover_gaps(handover, plan, progress.percent if progress else None, today),
        }
        template = self.template_name + ("#panel" if request.htmx else "")
        response = render(request, template, context, status=status)
        # The same address answers the panel (htmx) or a page: caches keep them apart.
        patch_vary_headers(response, ["HX-Request"])
        return response

    def post(self, request, pk):
        """Start the account's plan (CSMs and up)."""
        account = get_object_or_404(Account.objects, pk=pk)
        templates_ensure_defaults(tenant=request.tenant)
        try:
            plan_start(tenant=request.tenant, account=account, started_by=request.membership)
        except ValidationError as error:
            return self.refused(request, pk, error)
        return self.back(request, account.pk)

    def refused(self, request, pk, error: ValidationError):
        # The page's htmx configuration swaps a 400 in too: the panel shows the message.
        return self.get(request, pk, error=error.messages[0], status=400)

    def back(self, request, pk):
        """The panel again (htmx), else the account page at the panel."""
        if request.htmx:
            return self.get(request, pk)
        return redirect(reverse("account", args=[pk]) + "#account-onboarding")


class PlanStepDoneView(AccountOnboardingView):
    """Mark a step done (CSMs and up)."""

    http_method_names = ["post"]

    def post(self, request, pk, step_pk):
        step = get_object_or_404(PlanStep.objects, pk=step_pk, plan__account_id=pk)
        try:
            step_complete(tenant=request.tenant, step=step, member=request.membership)
        except ValidationError as error:  # removed from the template meanwhile
            return self.refused(request, pk, error)
        return self.back(request, pk)


class PortalLinkCreateView(AccountOnboardingView):
    """A new personal portal link for one of the account's contacts (CSMs and up), shown in
    the panel to copy."""

    http_method_names = ["post"]

    def post(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        raw = request.POST.get("contact", "")
        contact_pk = int(raw) if raw.isdigit() and len(raw) < 18 else 0
        contact = get_object_or_404(Contact.objects, pk=contact_pk, account=account)
        link, url = portal_link_create(
            tenant=request.tenant, contact=contact, created_by=request.membership
        )
        return self.get(request, pk, new_link={"contact": contact, "url": url, "link": link})
