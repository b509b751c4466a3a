"""An account's recent product usage: the panel the account page loads, or a page of its own."""

from django.shortcuts import get_object_or_404, render

from accounts.models import Account
from metrics.selectors import account_recent_events
from tenants.tenancy.views import TenantView


class AccountUsageView(TenantView):
    template_name = "metrics/account_usage.html"

    def get(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        context = {"account": account, "events": account_recent_events(account)}
        template = self.template_name + ("#usage" if request.htmx else "")
        return render(request, template, context)
