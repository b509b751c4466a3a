"""The onboarding cohorts page (/onboarding/cohorts/): per month of the plans' start, the
activation rate and the median days to first value, from the plans' milestones."""

from django.shortcuts import render

from onboarding.selectors.cohorts import onboarding_cohorts
from tenants.tenancy.views import TenantView


class OnboardingCohortsView(TenantView):
    http_method_names = ["get"]

    def get(self, request):
        cohorts = onboarding_cohorts(tenant=request.tenant, today=request.tenant.today())
        return render(request, "onboarding/cohorts.html", {"cohorts": cohorts, "tab": "cohorts"})
