"""The signed-in landing page of a tenant: its accounts, team and keys at a glance.

It sits at the top of the project because it shows every domain (accounts today; health,
tasks and KPIs as they arrive)."""

from django.shortcuts import render

from accounts.models import Account
from accounts.selectors import accounts_overview
from tenants import selectors
from tenants.tenancy.views import TenantView


class HomeView(TenantView):
    def get(self, request):
        accounts = accounts_overview(on_date=request.tenant.today())
        context = {
            "account_count": Account.objects.count(),
            "paying_count": accounts.filter(current_mrr__gt=0).count(),
            "member_count": selectors.members_list().count(),
            "open_invitations": selectors.invitations_open().count(),
            "api_key_count": selectors.api_keys_list().filter(revoked=False).count(),
        }
        return render(request, "home.html", context)
