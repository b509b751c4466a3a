"""The stalled onboardings page (/onboarding/stalled/): each account whose running plan is
stalled, the step it is stuck on, since when, its owner and a link to its plan."""

from django.shortcuts import render
from django.utils.translation import get_language

from onboarding.selectors.stalled import stalled_plans
from onboarding.views.stall_days import stall_days
from tenants.tenancy.views import TenantView


class StalledOnboardingView(TenantView):
    http_method_names = ["get"]

    def get(self, request):
        days = stall_days(request)
        today = request.tenant.today()
        stalls = stalled_plans(tenant=request.tenant, today=today, days=days)
        language = get_language()
        rows = [
            (stall, stall.step.title_in(language), (today - stall.since).days) for stall in stalls
        ]
        context = {"rows": rows, "days": days, "today": today, "tab": "stalled"}
        return render(request, "onboarding/stalled.html", context)
