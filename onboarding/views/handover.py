"""The account's sales-to-CS handover form: goals, stakeholders, promised features, go-live
date and risks (CSMs and up write it, every member reads it on the onboarding panel)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Account
from onboarding.forms.handover import HandoverForm, people_text
from onboarding.models import Handover
from onboarding.services.handovers import handover_save
from tenants.tenancy.views import TenantView

FIELDS = ("goals", "stakeholders", "promised_features", "go_live_on", "risks")


class HandoverView(TenantView):
    template_name = "onboarding/handover_form.html"

    def _render(self, request, account, handover, form, status=200):
        context = {"account": account, "handover": handover, "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        handover = Handover.objects.filter(account=account).first()
        initial = {}
        if handover is not None:
            initial = {name: getattr(handover, name) for name in FIELDS}
            initial["stakeholders"] = people_text(handover.stakeholders)
        return self._render(request, account, handover, HandoverForm(initial=initial))

    def post(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        handover = Handover.objects.filter(account=account).first()
        form = HandoverForm(request.POST)
        if not form.is_valid():
            return self._render(request, account, handover, form, status=400)
        try:
            handover_save(tenant=request.tenant, account=account, member=request.membership,
                          **{name: form.cleaned_data[name] for name in FIELDS})  # fmt: skip
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            return self._render(request, account, handover, form, status=400)
        messages.success(request, _("Handover saved."))
        return redirect(reverse("account-onboarding", args=[account.pk]))
