"""The KPI page: the latest day's figures, a 90-day trend, the last 12 months, per cut.

Every member may read it. An htmx request (the cut or trend selector changed) gets only
the `figures` partial; without JavaScript the same selector is a plain GET form.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from metrics import selectors
from metrics.definitions import DAILY, MONTHLY, Grain, Metric, Unit
from metrics.engine.calendar import add_months, local_today, month_start
from metrics.forms import RecomputeForm
from metrics.models import Dimension
from metrics.views import display
from tenants.charts import Series, compact, line_chart
from tenants.tenancy.views import TenantView

TREND_DAYS = 90
TABLE_MONTHS = 12
DEFAULT_TREND = "mrr"
RECOMPUTE_DAYS = 30
# Change shown on each tile: against the same day this many days before.
CHANGE_DAYS = 30

TILE_GROUPS = [
    ("Revenue", ["mrr", "arr", "arpu", "ltv"]),
    ("Customers", ["active_accounts", "arr_per_csm", "adoption_rate", "nps"]),
    ("Usage", ["dau", "wau", "mau", "stickiness", "time_in_app_seconds"]),
]


@dataclass(frozen=True)
class CutChoice:
    dimension: str
    key: str
    label: str

    @property
    def param(self) -> str:
        return "" if self.dimension == Dimension.ALL else f"{self.dimension}:{self.key}"


ALL_ACCOUNTS = CutChoice(Dimension.ALL, "", "All accounts")


def cut_options(keys: dict[str, list[str]], owners: dict[str, str]) -> list[tuple[str, list]]:
    """The cut selector's option groups: segments, then owner CSMs by email."""
    segments = [CutChoice(Dimension.SEGMENT, key, key) for key in keys.get(Dimension.SEGMENT, [])]
    by_owner = [
        CutChoice(Dimension.OWNER, key, owners.get(key, f"Member #{key}"))
        for key in keys.get(Dimension.OWNER, [])
    ]
    by_owner.sort(key=lambda cut: cut.label.lower())
    groups = [("Segment", segments), ("Owner CSM", by_owner)]
    return [(label, cuts) for label, cuts in groups if cuts]


def chosen_cut(param: str, options: list[tuple[str, list]]) -> CutChoice:
    # Only cuts that have figures can be chosen: an unknown one falls back to all accounts,
    # and the selector then shows what is actually on screen.
    for _, cuts in options:
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


def _axis_label(metric: Metric):
    match metric.unit:
        case Unit.RATIO:
            return lambda value: f"{value * 100:.3g}%"
        case Unit.SECONDS:
            return lambda value: f"{value / 60:.3g}m"
        case _:
            return compact


def kpi_figures(*, latest: date, cut: CutChoice, trend: Metric, currency: str) -> dict:
    """Tiles, trend chart and monthly table of one cut, from two queries."""
    first = latest - timedelta(days=TREND_DAYS - 1)
    rows = selectors.figures_by_period(
        grain=Grain.DAY, first=first, last=latest, dimension=cut.dimension, key=cut.key
    )
    by_day = {row.period: row.figures for row in rows}
    today = by_day.get(latest, {})
    before = by_day.get(latest - timedelta(days=CHANGE_DAYS), {})

    groups = []
    for title, names in TILE_GROUPS:
        tiles = []
        for name in names:
            metric = DAILY[name]
            shown = today.get(name)
            was = before.get(name)
            delta, direction = display.change(
                metric, shown.value if shown else None, was.value if was else None
            )
            tiles.append(
                {
                    "figure": display.show(metric, shown, currency, places=0),
                    "change": delta,
                    "direction": direction,
                    "trend_param": name,
                }
            )
        groups.append({"title": title, "tiles": tiles})

    days = [first + timedelta(days=n) for n in range(TREND_DAYS)]
    values = [
        (by_day[day][trend.name].value if trend.name in by_day.get(day, {}) else None)
        for day in days
    ]
    line = {
        "axis_label": _axis_label(trend),
        "value_label": lambda value: display.value_with_unit(trend, value, currency),
    }
    series = [Series(trend.label, values, trend.name)]
    chart = line_chart(days, series, **line)
    chart_compact = line_chart(days, series, size="compact", **line)

    month_rows = selectors.figures_by_period(
        grain=Grain.MONTH,
        first=add_months(month_start(latest), -TABLE_MONTHS),
        last=latest,
        dimension=cut.dimension,
        key=cut.key,
    )[-TABLE_MONTHS:]
    table = [
        {
            "metric": metric,
            "cells": [
                display.show(metric, row.figures.get(metric.name), currency, places=0)
                for row in month_rows
            ],
        }
        for metric in MONTHLY.values()
    ]
    return {
        "groups": groups,
        "chart": chart,
        "chart_compact": chart_compact,
        "trend": trend,
        "trend_first": first,
        "months": [row.period for row in month_rows],
        "table": table,
        "change_days": CHANGE_DAYS,
    }


class MetricsDashboardView(TenantView):
    template_name = "metrics/dashboard.html"

    def get(self, request):
        tenant = request.tenant
        keys = selectors.cut_keys()
        options = cut_options(keys, selectors.owner_labels(keys.get(Dimension.OWNER, [])))
        cut = chosen_cut(request.GET.get("cut", ""), options)
        trend = DAILY.get(request.GET.get("trend", ""), DAILY[DEFAULT_TREND])
        latest = selectors.latest_period(Grain.DAY)
        state = selectors.metrics_state()
        can_recompute = request.membership.can_manage
        context = {
            "latest": latest,
            "state": state,
            "run_in_progress": run_in_progress(state),
            "error_summary": error_summary(state),
            "cut": cut,
            "cut_options": options,
            "trend": trend,
            "daily_metrics": DAILY.values(),
            "can_recompute": can_recompute,
        }
        if latest is not None:
            context.update(
                kpi_figures(latest=latest, cut=cut, trend=trend, currency=tenant.currency)
            )
        # A history restore (back button after hx-push-url) needs the whole page.
        partial = bool(request.htmx and not request.htmx.history_restore_request and latest)
        if can_recompute and not partial:
            context["form"] = RecomputeForm(initial=recompute_initial(tenant))
            context["jobs"] = selectors.recompute_jobs_recent()
        template = self.template_name + ("#figures" if partial else "")
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response
