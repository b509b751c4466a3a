"""An account's health panel, loaded into the account page by htmx (or a page of its own):
score and band, trend against 7 and 30 days before, the measure that pulled it down most,
the breakdown, the last 90 days as a chart, the hierarchy roll-up, and "Recompute now"."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from accounts.models import Account
from health import selectors
from health.labels import short_name
from health.services.rollup import health_rollup
from health.services.scores import health_score_for_account
from health.views.charts import DAYS, score_chart
from health.views.explain import (
    change,
    percents_adding_up,
    tenths_adding_up,
    weakest_sentence,
)
from metrics.engine.run import MetricsBusy
from tenants.tenancy.views import TenantView

CHANGED_EVENT = "health-changed"


def health_panel_context(tenant, account) -> dict:
    """The panel's figures; the account 360 page renders the same panel in place."""
    latest = selectors.score_latest(account)
    context = {"account": account, "latest": latest}
    if latest is not None:
        first = latest.day - timedelta(days=DAYS - 1)
        rows = list(selectors.score_history(account, since=first, until=latest.day))
        by_day = {row.day: row.score for row in rows}
        snapshot = latest.scorecard_version.snapshot
        percents = percents_adding_up([part["effective_weight"] or 0 for part in latest.parts])
        contributions = tenths_adding_up([part["contribution"] or 0 for part in latest.parts])
        parts = [
            {
                **part,
                "name": short_name(part["source"]),
                "effective_percent": percent,
                "contribution_shown": contribution,
            }
            for part, percent, contribution in zip(
                latest.parts, percents, contributions, strict=True
            )
        ]
        bounds = {
            "last_day": latest.day,
            "good_min": snapshot["good_min"],
            "average_min": snapshot["average_min"],
        }
        context |= {
            "changes": [
                change(latest.score, by_day.get(latest.day - timedelta(days=days)), days)
                for days in (7, 30)
            ],
            "weakest": weakest_sentence(latest.parts) if latest.score is not None else None,
            "parts": parts,
            "effective_total": sum(percents),
            "contribution_total": sum(part["contribution"] or 0 for part in latest.parts),
            "chart": score_chart(rows, **bounds),
            "chart_compact": score_chart(rows, **bounds, size="compact"),
            "chart_first": first,
            "history": rows,
            "scorecard_name": snapshot.get("name", ""),
        }
    if selectors.has_children(account):
        context["rollup"] = health_rollup(tenant=tenant, account=account)
    return context


class AccountHealthView(TenantView):
    """GET: the panel (its partial for htmx). POST (CSMs and up): score the account again for
    the tenant's latest scored day, with the current scorecards."""

    template_name = "health/account_health.html"

    def get(self, request, pk, busy: str = ""):
        account = get_object_or_404(Account.objects, pk=pk)
        template = self.template_name + ("#panel" if request.htmx else "")
        context = {**health_panel_context(request.tenant, account), "busy": busy}
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def post(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        day = selectors.score_day_latest() or request.tenant.today() - timedelta(days=1)
        try:
            health_score_for_account(tenant=request.tenant, account=account, day=day)
        except MetricsBusy:
            busy = _("The scores are being recomputed; try again in a minute.")
            if request.htmx:
                return self.get(request, pk, busy=busy)
            messages.warning(request, busy)
        if request.htmx:
            response = self.get(request, pk)
            # Pages that show the score elsewhere (the account page's header and trend chart)
            # reload those parts on this event.
            response["HX-Trigger"] = CHANGED_EVENT
            return response
        return redirect("account-health", pk=account.pk)
