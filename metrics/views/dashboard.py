"""The KPI trends page: a card and chart for every metric of one group (revenue, usage...: a
tab each) over a chosen range, per cut (all accounts, a segment or an owner CSM), the monthly
table and the onboarding cohorts.

Every member may read it. Its choices are a GET form, so the URL holds them: an htmx request
(a choice changed) gets only the `trends` partial and pushes the URL; without JavaScript the
same form is submitted with its button. Bad dates are form errors; the page then shows the
default range.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from metrics import selectors
from metrics.definitions import MONTHLY, Grain
from metrics.engine.calendar import local_today
from metrics.forms import CUSTOM, DEFAULT_RANGE_DAYS, RecomputeForm, TrendRangeForm
from metrics.models import Dimension
from metrics.views import trends
from tenants.tenancy.views import TenantView

RECOMPUTE_DAYS = 30


@dataclass(frozen=True)
class CutChoice:
    dimension: str
    key: str
    label: str

    @property
    def param(self) -> str:
        return "" if self.dimension == Dimension.ALL else f"{self.dimension}:{self.key}"


ALL_ACCOUNTS = CutChoice(Dimension.ALL, "", _("All accounts"))


def cut_options(keys: dict[str, list[str]], owners: dict[str, str]) -> list[tuple[str, list]]:
    """The cut selector's option groups: segments, then owner CSMs by email."""
    segments = [CutChoice(Dimension.SEGMENT, key, key) for key in keys.get(Dimension.SEGMENT, [])]
    by_owner = [
        CutChoice(Dimension.OWNER, key, owners.get(key, key))
        for key in keys.get(Dimension.OWNER, [])
    ]
    by_owner.sort(key=lambda cut: cut.label.lower())
    groups = [(_("Segment"), segments), (_("Owner CSM"), by_owner)]
    return [(label, cuts) for label, cuts in groups if cuts]


def chosen_cut(param: str, options: list[tuple[str, list]]) -> CutChoice:
    # Only cuts that have figures can be chosen: an unknown one falls back to all accounts,
    # and the selector then shows what is actually on screen.
    for _label, cuts in options:
        for cut in cuts:
            if cut.param == param:
                return cut
    return ALL_ACCOUNTS


def recompute_initial(tenant) -> dict[str, date]:
    until = local_today(tenant.time_zone) - timedelta(days=1)
    return {"since": until - timedelta(days=RECOMPUTE_DAYS - 1), "until": until}


def run_in_progress(state) -> bool:
    if state is None or state.last_run_started_at is None:
        return False
    finished = state.last_run_finished_at
    # A failed run leaves no finish time: its error, not a spinner, is what to show.
    failed = state.last_error_at is not None and state.last_error_at >= state.last_run_started_at
    return not failed and (finished is None or finished < state.last_run_started_at)


def error_summary(state) -> str:
    """The last line of the last run's error (the exception), for everyone to see."""
    if state is None or not state.last_error.strip():
        return ""
    return state.last_error.strip().splitlines()[-1]


def kpi_trends(*, first: date, last: date, cut: CutChoice, groups, currency: str) -> dict:
    """Cards, monthly table and cohorts of one cut over a range, from two queries."""
    days = trends.daily_periods(first, last)
    months = trends.monthly_periods(first, last)
    daily = trends.by_period(
        selectors.figures_by_period(
            grain=Grain.DAY,
            first=trends.fetch_first(first, last),
            last=last,
            dimension=cut.dimension,
            key=cut.key,
        )
    )
    monthly = trends.by_period(
        selectors.figures_by_period(
            grain=Grain.MONTH,
            first=months[0],
            last=months[-1],
            dimension=cut.dimension,
            key=cut.key,
        )
    )
    sections = [
        {
            "group": group,
            "cards": [
                trends.metric_card(
                    metric,
                    days if group.grain == Grain.DAY else months,
                    daily if group.grain == Grain.DAY else monthly,
                    currency,
                )
                for metric in group.metrics
            ],
        }
        for group in groups
    ]
    return {
        "sections": sections,
        "first": first,
        "last": last,
        "months": months,
        "monthly_metrics": MONTHLY.values(),
        "table": trends.monthly_table(months, monthly, currency),
        "cohorts": trends.cohort_rows(months, monthly, currency),
    }


class MetricsDashboardView(TenantView):
    template_name = "metrics/dashboard.html"

    def get(self, request):
        tenant = request.tenant
        keys = selectors.cut_keys()
        options = cut_options(keys, selectors.owner_labels(keys.get(Dimension.OWNER, [])))
        latest = selectors.latest_period(Grain.DAY)
        state = selectors.metrics_state()
        can_recompute = request.membership.can_manage
        form = TrendRangeForm(request.GET or None, latest=latest or local_today(tenant.time_zone))
        valid = form.is_valid() if form.is_bound else False
        choices = form.cleaned_data if valid else {}
        if not valid:
            # Unbound or wrong: the default range, and the form's errors above it.
            choices = {
                "first": form.latest - timedelta(days=DEFAULT_RANGE_DAYS - 1),
                "last": form.latest,
                "cut": request.GET.get("cut", ""),
                "group": request.GET.get("group", ""),
            }
        cut = chosen_cut(choices.get("cut") or "", options)
        # One group of metrics at a time: all 24 charts with their tables over a year weigh
        # over a megabyte. An unknown or missing group is the first one.
        group = trends.GROUPS_BY_SLUG.get(choices.get("group") or "", trends.GROUPS[0])
        context = {
            "latest": latest,
            "state": state,
            "run_in_progress": run_in_progress(state),
            "error_summary": error_summary(state),
            "filters": form,
            "custom": CUSTOM,
            "chosen_range": request.GET.get("range") or str(DEFAULT_RANGE_DAYS),
            "cut": cut,
            "cut_options": options,
            "group": group,
            "groups": trends.GROUPS,
            "can_recompute": can_recompute,
        }
        if latest is not None:
            context.update(
                kpi_trends(
                    first=choices["first"],
                    last=choices["last"],
                    cut=cut,
                    groups=[group],
                    currency=tenant.currency,
                )
            )
        # A history restore (back button after hx-push-url) needs the whole page.
        partial = bool(request.htmx and not request.htmx.history_restore_request and latest)
        if can_recompute and not partial:
            context["form"] = RecomputeForm(initial=recompute_initial(tenant))
            context["jobs"] = selectors.recompute_jobs_recent()
        template = self.template_name + ("#trends" if partial else "")
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response
