"""KPI trends: one card per metric of the catalogue over a chosen range (headline figure, a
fair change, a chart whose points carry numerator and denominator, the figures as a table),
the monthly table and the activation / time-to-first-value cohorts.

Pure functions of the stored figures (selectors.PeriodRow lists): the view reads them in
two queries whatever the range, the cut or the number of accounts.

Changes compare like with like: a daily figure with the same weekday a week earlier (usage
has a weekly rhythm: a Tuesday against a Sunday reads as +2840% DAU), a monthly figure with
the previous month; the words under each change say what is compared.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrics.definitions import DAILY, MONTHLY, Grain, Metric, Unit
from metrics.engine.calendar import (
    add_months,
    days_between,
    fair_previous,
    month_start,
    next_month,
)
from metrics.selectors import PeriodRow, Shown
from metrics.views import display
from tenants.charts import LineChart, Series, compact, line_chart

# Daily figures are compared with the same weekday this many days before.
WEEK = 7
# Monthly charts and tables show at least this many complete months, whatever the range.
MIN_MONTHS = 12


@dataclass(frozen=True)
class Group:
    slug: str
    label: str
    grain: Grain
    names: tuple[str, ...]

    @property
    def metrics(self) -> list[Metric]:
        catalogue = DAILY if self.grain == Grain.DAY else MONTHLY
        return [catalogue[name] for name in self.names]


REVENUE = ("mrr", "arr", "arpu", "ltv", "arr_per_csm")
CUSTOMERS = ("active_accounts", "adoption_rate", "nps")
RETENTION = ("logo_churn_rate", "churned_accounts", "grr", "nrr", "renewal_rate")
GROUPS = [
    Group("revenue", gettext_lazy("Revenue"), Grain.DAY, REVENUE),
    Group("customers", gettext_lazy("Customers"), Grain.DAY, CUSTOMERS),
    Group(
        "usage",
        gettext_lazy("Usage"),
        Grain.DAY,
        ("dau", "wau", "mau", "stickiness", "time_in_app_seconds"),
    ),
    Group(
        "retention",
        gettext_lazy("Retention and renewals"),
        Grain.MONTH,
        (*RETENTION, "renewal_revenue_rate"),
    ),
    Group(
        "acquisition",
        gettext_lazy("Acquisition and onboarding"),
        Grain.MONTH,
        ("new_accounts", "cac", "ltv_to_cac", "activation_rate", "ttfv_median_days"),
    ),
]  # fmt: skip
GROUPS_BY_SLUG = {group.slug: group for group in GROUPS}


@dataclass(frozen=True)
class Change:
    text: str  # "+4.2%", "+1.3 pts"; "" when either figure is undefined
    direction: str  # up, down, flat or ""
    against: str  # what is compared, in words


@dataclass(frozen=True)
class TableRow:
    period: date
    label: str  # "Tue 24 Mar 2026" or "Mar 2026"
    figure: display.ScreenFigure
    numerator: str
    denominator: str


@dataclass
class MetricCard:
    metric: Metric
    headline: display.ScreenFigure
    headline_period: str  # the period the headline figure belongs to, in words
    change: Change | None
    chart: LineChart | None
    rows: list[TableRow] = field(default_factory=list)


def daily_periods(first: date, last: date) -> list[date]:
    return days_between(first, last)


def monthly_periods(first: date, last: date) -> list[date]:
    """The complete months of the range (a month ending after `last` is not complete), and
    at least the MIN_MONTHS before `last`'s month so a short range still shows a trend."""
    end = month_start(last) if next_month(last) == last + timedelta(days=1) else None
    end = end or add_months(month_start(last), -1)
    start = min(month_start(first), add_months(end, -(MIN_MONTHS - 1)))
    months = [start]
    while months[-1] < end:
        months.append(next_month(months[-1]))
    return months


def fetch_first(first: date, last: date) -> date:
    """The first day to read: the range, and the week before its last day for the change."""
    return min(first, last - timedelta(days=WEEK))


def day_label(day: date) -> str:
    return date_format(day, "D j M Y")


def month_label(month: date) -> str:
    return date_format(month, "M Y")


def axis_label(metric: Metric):
    match metric.unit:
        case Unit.RATIO if metric.name not in display.MULTIPLES:
            return lambda value: f"{value * 100:.3g}%"
        case Unit.SECONDS:
            return lambda value: f"{value / 60:.3g}m"
        case _:
            return compact


def parts_of(metric: Metric, shown: Shown | None, currency: str) -> tuple[str, str]:
    if shown is None or not metric.has_parts:
        return "", ""
    return (
        display.part_text(metric, "numerator", shown.numerator, currency),
        display.part_text(metric, "denominator", shown.denominator, currency),
    )


def point_title(metric: Metric, label: str, shown: Shown, currency: str) -> str:
    """'12 Nov 2026: 4.2% = 3 accounts lost / 71 accounts active at the start'."""
    value = display.value_with_unit(metric, shown.value, currency)
    if metric.has_parts and shown.denominator is not None:
        n, d = parts_of(metric, shown, currency)
        return f"{label}: {value} = {n} {metric.numerator} / {d} {metric.denominator}"
    return f"{label}: {value}"


def with_titles(
    chart: LineChart | None, titles: dict[date, str], months: list[date] | None = None
) -> LineChart | None:
    """The chart with each point's tooltip replaced by its title with numerator and
    denominator (the shared chart writes the value only), and, for `months`, short month
    labels under the axis ("Dec 25": full month names overlap on a card's width)."""
    if chart is None:
        return None
    series = [
        replace(line, points=[replace(p, label=titles[p.day]) for p in line.points])
        for line in chart.series
    ]
    ticks = chart.x_ticks
    if months and len(months) > 1:
        width = (chart.plot_right - chart.plot_left) / (len(months) - 1)
        ticks = [
            replace(t, label=date_format(months[round((t.at - chart.plot_left) / width)], "M y"))
            for t in ticks
        ]
    return replace(chart, series=series, x_ticks=ticks)


def change_between(metric: Metric, now: Shown | None, before: Shown | None, against: str):
    text, direction = display.change(
        metric, now.value if now else None, before.value if before else None
    )
    return Change(text, direction, against) if text else None


def metric_card(
    metric: Metric, periods: list[date], by_period: dict[date, dict[str, Shown]], currency: str
) -> MetricCard:
    """The card of one metric over `periods` (days or month starts, oldest first)."""
    daily = metric.grain == Grain.DAY
    label = day_label if daily else month_label
    figures = [by_period.get(period, {}).get(metric.name) for period in periods]
    values = [shown.value if shown else None for shown in figures]
    titles = [
        point_title(metric, label(period), shown, currency) if shown else ""
        for period, shown in zip(periods, figures, strict=True)
    ]
    chart = with_titles(
        line_chart(
            periods,
            [Series(metric.label, values, metric.name)],
            size="compact",
            axis_label=axis_label(metric),
        ),
        dict(zip(periods, titles, strict=True)),
        None if daily else periods,
    )
    last = periods[-1]
    now = by_period.get(last, {}).get(metric.name)
    if daily:
        week_before = fair_previous(last, daily=True)
        against = _("vs %(day)s, the same weekday a week earlier") % {"day": day_label(week_before)}
        change = change_between(
            metric, now, by_period.get(week_before, {}).get(metric.name), against
        )
    else:
        previous = fair_previous(last, daily=False)
        against = _("vs %(month)s, the month before") % {"month": month_label(previous)}
        change = change_between(metric, now, by_period.get(previous, {}).get(metric.name), against)
    rows = []
    for period, shown in zip(reversed(periods), reversed(figures), strict=True):
        n, d = parts_of(metric, shown, currency)
        rows.append(TableRow(period, label(period), display.show(metric, shown, currency), n, d))
    return MetricCard(
        metric=metric,
        headline=display.show(metric, now, currency, places=0),
        headline_period=label(last),
        change=change,
        chart=chart,
        rows=rows,
    )


def by_period(rows: list[PeriodRow]) -> dict[date, dict[str, Shown]]:
    return {row.period: row.figures for row in rows}


def monthly_table(months: list[date], figures: dict[date, dict[str, Shown]], currency: str):
    """Months as rows (newest first) and the monthly metrics as columns: however long the
    range, the table grows down, not off the right edge of a laptop screen."""
    return [
        {
            "month": month,
            "cells": [
                display.show(metric, figures.get(month, {}).get(metric.name), currency, places=0)
                for metric in MONTHLY.values()
            ],
        }
        for month in reversed(months)
    ]


@dataclass(frozen=True)
class CohortRow:
    month: date
    cohort: int | None  # accounts whose first term started in the month
    activated: int | None
    activation: display.ScreenFigure
    reached_first_value: int | None
    ttfv: display.ScreenFigure


def _count(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


def cohort_rows(months: list[date], figures: dict[date, dict[str, Shown]], currency: str):
    """Activation and time to first value by signup month, from the engine's monthly
    figures (the same computation as the KPI; nothing is recounted here), newest first."""
    rows = []
    for month in reversed(months):
        found = figures.get(month, {})
        activation = found.get("activation_rate")
        ttfv = found.get("ttfv_median_days")
        new = found.get("new_accounts")
        cohort = (activation and activation.denominator) or (ttfv and ttfv.denominator)
        rows.append(
            CohortRow(
                month=month,
                cohort=_count(cohort if cohort is not None else (new.value if new else None)),
                activated=_count(activation.numerator) if activation else None,
                activation=display.show(MONTHLY["activation_rate"], activation, currency),
                reached_first_value=_count(ttfv.numerator) if ttfv else None,
                ttfv=display.show(MONTHLY["ttfv_median_days"], ttfv, currency),
            )
        )
    return rows
