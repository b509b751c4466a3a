"""The tenant switcher: users who belong to several tenants choose the one they act in."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from tenants.tenancy.membership import switch_tenant


class TenantSwitchView(LoginRequiredMixin, View):
    def post(self, request):
        membership = switch_tenant(request, request.POST.get("tenant", ""))
        if membership is None:
            raise Http404("No such tenant.")
        next_url = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            next_url = "/"
        return redirect(next_url)
