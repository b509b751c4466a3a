"""The signed-in landing page of a tenant."""

from django.shortcuts import render

from tenants import selectors
from tenants.tenancy.views import TenantView


class HomeView(TenantView):
    def get(self, request):
        context = {
            "member_count": selectors.members_list().count(),
            "open_invitations": selectors.invitations_open().count(),
            "api_key_count": selectors.api_keys_list().filter(revoked=False).count(),
        }
        return render(request, "tenants/home.html", context)
