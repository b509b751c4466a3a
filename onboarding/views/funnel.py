"""The onboarding funnel page (/onboarding/): per template (a switcher), the accounts that
reached each step and milestone, the median days to each and where accounts are stalled,
as a chart and as a table."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from onboarding.models import OnboardingTemplate
from onboarding.selectors.funnel import Funnel, template_funnel
from onboarding.views.stall_days import stall_days
from tenants.charts import Bar, BarChart, bar_chart
from tenants.tenancy.views import TenantView


def funnel_bars(funnel: Funnel, size: str) -> BarChart:
    """One bar per step and milestone, its length the share of the template's plans that
    reached it; a milestone is marked with ◆ and its own bar style, not only a colour."""
    rows = [
        Bar(
            f"◆ {_('Milestone: %(name)s') % {'name': row.label}}"
            if row.is_milestone
            else row.label,
            row.reached,
            f"{row.reached} ({row.percent}%)",
            key="milestone" if row.is_milestone else "",
        )
        for row in funnel.rows
    ]
    return bar_chart(rows, size=size, max_value=funnel.started)


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
            "chart": funnel_bars(funnel, "wide") if funnel else None,
            "chart_compact": funnel_bars(funnel, "compact") if funnel else None,
            "days": days,
            "tab": "funnel",
        }
        return render(request, "onboarding/funnel.html", context)
