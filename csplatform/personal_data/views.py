"""Pages of personal data requests: download one contact's data, erase it after a
confirmation form (owners and admins)."""

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Contact
from accounts.services.personal_data import contact_erase
from csplatform.personal_data.export import contact_personal_data
from tenants.tenancy.views import TenantManageView


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the erasure.")},
    )


def _contact(pk):
    return get_object_or_404(Contact.objects.select_related("account"), pk=pk)


class ContactPersonalDataView(TenantManageView):
    def get(self, request, pk):
        data = contact_personal_data(tenant=request.tenant, contact=_contact(pk))
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="contact-{pk}.json"'
        return response


class ContactEraseView(TenantManageView):
    template_name = "accounts/contact_erase.html"

    def get(self, request, pk, form=None, status=200):
        context = {"contact": _contact(pk), "form": form or EraseForm()}
        return render(request, self.template_name, context, status=status)

    def post(self, request, pk):
        contact = _contact(pk)
        form = EraseForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=400)
        account = contact.account
        counts = contact_erase(tenant=request.tenant, contact=contact)
        messages.success(
            request,
            _("The contact was erased with %(answers)d NPS answers and %(events)d usage events.")
            % {"answers": counts["nps_answers"], "events": counts["usage_events"]},
        )
        return redirect("account", pk=account.pk) if account else redirect("accounts")
