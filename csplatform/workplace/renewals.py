"""The renewals page: what comes up for renewal in the next 90 days, how the last 12 months'
renewals went (due, renewed and lost, with amounts and the renewal rates) and ARR per CSM.

It reads accounts, health bands and metrics, so it lives in the workplace. Every member may
read it.
"""

from django.shortcuts import render

from csplatform.workplace.renewals_charts import owner_bars, rate_lines
from csplatform.workplace.renewals_selectors import (
    UPCOMING_DAYS,
    arr_per_csm,
    renewals_by_month,
    renewals_upcoming,
)
from tenants.tenancy.views import TenantView


class RenewalsView(TenantView):
    def get(self, request):
        tenant = request.tenant
        today = tenant.today()
        upcoming = list(renewals_upcoming(tenant, today))
        months = renewals_by_month(tenant, today)
        per_csm = arr_per_csm()
        context = {
            "today": today,
            "upcoming_days": UPCOMING_DAYS,
            "upcoming": upcoming,
            "upcoming_arr": sum((term.arr for term in upcoming), 0),
            "months": months,
            "totals": {
                "due": sum(m.due for m in months),
                "due_arr": sum((m.due_arr for m in months), 0),
                "renewed": sum(m.renewed for m in months),
                "renewed_arr": sum((m.renewed_arr for m in months), 0),
                "lost": sum(m.lost for m in months),
                "lost_arr": sum((m.lost_arr for m in months), 0),
                "pending": sum(m.pending for m in months),
            },
            "per_csm": per_csm,
            "rate_lines": rate_lines(months),
            "owner_bars": owner_bars(per_csm, tenant.currency),
            "grace_days": tenant.renewal_grace_days,
        }
        return render(request, "workplace/renewals.html", context)
