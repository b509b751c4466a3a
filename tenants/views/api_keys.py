"""API key settings: create (the key is shown once), list with last use, revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from tenants import selectors
from tenants.forms import APIKeyForm
from tenants.models import TenantAPIKey
from tenants.services.api_keys import api_key_create, api_key_revoke
from tenants.tenancy.views import TenantManageView


class APIKeyListView(TenantManageView):
    template_name = "tenants/api_keys.html"

    def get(self, request, form=None, new_key=None, status=200):
        context = {
            "api_keys": selectors.api_keys_list(),
            "form": form or APIKeyForm(),
            "new_key": new_key,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        form = APIKeyForm(request.POST)
        if form.is_valid():
            try:
                api_key, raw_key = api_key_create(
                    tenant=request.tenant, name=form.cleaned_data["name"], created_by=request.user
                )
            except ValidationError as error:
                form.add_error("name", error.message_dict.get("name", error.messages))
            else:
                # Rendered, not redirected: the raw key exists only in this response.
                return self.get(request, new_key={"name": api_key.name, "key": raw_key})
        return self.get(request, form=form, status=400)


class APIKeyRevokeView(TenantManageView):
    def post(self, request, pk):
        api_key = get_object_or_404(TenantAPIKey.objects, pk=pk)
        api_key_revoke(tenant=request.tenant, api_key=api_key)
        messages.success(request, f"API key “{api_key.name}” revoked; it no longer works.")
        return redirect("api-keys")
