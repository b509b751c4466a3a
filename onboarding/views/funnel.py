"""The onboarding funnel page (/onboarding/): per template (a switcher), the accounts that
reached each step and milestone, the median days to each and where accounts are stalled,
as a chart and as a table."""

from django.shortcuts import render

from onboarding.models import OnboardingTemplate
from onboarding.selectors.funnel import template_funnel
from onboarding.views.funnel_chart import SIZES, funnel_chart
from onboarding.views.stall_days import stall_days
from tenants.tenancy.views import TenantView


class OnboardingFunnelView(TenantView):
    http_method_names = ["get"]

    def get(self, request):
        templates = list(OnboardingTemplate.objects.order_by("priority", "name", "id"))
        chosen = request.GET.get("template", "")
        template = next((t for t in templates if str(t.pk) == chosen), None)
        template = template or next((t for t in templates if t.is_default), None)
        template = template or (templates[0] if templates else None)
        days = stall_days(request)
        funnel = None
        if template is not None:
            today = request.tenant.today()
            funnel = template_funnel(
                tenant=request.tenant, template=template, today=today, days=days
            )
        context = {
            "templates": templates,
            "template": template,
            "funnel": funnel,
            "charts": [funnel_chart(funnel, size) for size in SIZES] if funnel else [],
            "days": days,
            "tab": "funnel",
        }
        return render(request, "onboarding/funnel.html", context)
