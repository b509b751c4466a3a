"""The home page's KPI tiles: NPS, logo churn, NRR, renewal rate and MRR, each with its trend
and a fair change.

A fair change compares like with like: a daily figure's latest day with the same weekday one
week before (never a Tuesday with a Sunday, whose usage and sign-ups differ by nature), a
monthly figure's latest computed month with the month before. The words shown say which two
periods are compared. Figures come from the nightly KPI rows (metrics' MetricFigure), for the
whole tenant or for one owner CSM's accounts, in one query."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrics.comparison import compare
from metrics.definitions import ALL, Grain, Metric, Unit
from metrics.engine.calendar import fair_previous
from metrics.models import Dimension, MetricFigure
from tenants.charts import Sparkline, sparkline
from tenants.models import Membership

# The tiles, in the order shown; "higher is better" decides the colour of a change.
TILES = [
    ("nps", True),
    ("logo_churn_rate", False),
    ("nrr", True),
    ("renewal_rate", True),
    ("mrr", True),
]
LABELS = {
    "nps": _("NPS"),
    "logo_churn_rate": _("Logo churn"),
    "nrr": _("Net revenue retention"),
    "renewal_rate": _("Renewal rate"),
    "mrr": _("MRR"),
}
DAILY_TREND_DAYS = 30  # a sparkline of the last 30 days; 38 read so a week-ago day is there
MONTHLY_TREND_MONTHS = 12


@dataclass(frozen=True)
class Change:
    """The latest figure against an earlier one of the same kind of period."""

    delta: Decimal  # in the figure's unit; for ratios in percentage points
    relative: Decimal | None  # delta in percent of the previous figure (None when it is 0)
    previous_period: date  # the day, or the first day of the month, compared with
    better: bool | None  # None: no change

    @property
    def sign(self) -> str:
        """ "+" before a rise (a fall's number carries its own minus)."""
        return "+" if self.delta > 0 else ""

    @property
    def tone(self) -> str:
        return "" if self.better is None else ("up" if self.better else "down")


@dataclass(frozen=True)
class Tile:
    metric: str
    label: object  # lazily translated
    unit: str
    grain: str
    period: date | None  # the latest period with a figure
    value: Decimal | None  # null: undefined (n/a), never 0
    change: Change | None
    missing_previous: date | None  # the period compared with, when it has no figure
    trend: list[float | None]  # oldest first, for the sparkline
    trend_periods: list[date]
    sparkline: Sparkline | None  # the trend drawn (None: no figure at all)

    @property
    def is_daily(self) -> bool:
        return self.grain == Grain.DAY.value

    @property
    def shown(self) -> Decimal | None:
        """The value as displayed: ratios in percent."""
        if self.value is None:
            return None
        return self.value * 100 if self.unit == Unit.RATIO else self.value


def previous_period(period: date, grain: str) -> date:
    return fair_previous(period, daily=grain == Grain.DAY.value)


def fair_change(
    values: dict[date, Decimal | None], *, metric: Metric, higher_is_better: bool
) -> tuple[date | None, Change | None, date | None]:
    """(latest period, its change against the fair earlier period, the earlier period when it
    has no figure). Pure: `values` maps each period to its figure (None: undefined)."""
    defined = [period for period, value in values.items() if value is not None]
    if not defined:
        return None, None, None
    latest = max(defined)
    earlier = previous_period(latest, metric.grain.value)
    found = compare(metric, values[latest], values.get(earlier))
    if found is None:
        return latest, None, earlier
    better = None if found.direction == "flat" else (found.direction == "up") == higher_is_better
    return latest, Change(found.delta, found.relative, earlier, better), None


def _cut(csm: Membership | None) -> tuple[str, str]:
    return (Dimension.ALL.value, "") if csm is None else (Dimension.OWNER.value, str(csm.pk))


def kpi_tiles(*, csm: Membership | None, today: date) -> list[Tile]:
    """The tiles of the whole tenant, or of `csm`'s accounts (the owner cut). One query."""
    dimension, key = _cut(csm)
    first_day = today - timedelta(days=DAILY_TREND_DAYS + 8)
    first_month = (today.replace(day=1) - timedelta(days=31 * MONTHLY_TREND_MONTHS)).replace(day=1)
    daily = [m for m, _ in TILES if ALL[m].grain == Grain.DAY]
    monthly = [m for m, _ in TILES if ALL[m].grain == Grain.MONTH]
    rows = (
        MetricFigure.objects.filter(dimension=dimension, key=key)
        .filter(
            Q(grain=Grain.DAY.value, metric__in=daily, period__gte=first_day)
            | Q(grain=Grain.MONTH.value, metric__in=monthly, period__gte=first_month)
        )
        .values_list("metric", "period", "value")
    )
    series: dict[str, dict[date, Decimal | None]] = {metric: {} for metric, _ in TILES}
    for metric, period, value in rows:
        series[metric][period] = value
    return [_tile(metric, series[metric], better) for metric, better in TILES]


def _tile(metric: str, values: dict[date, Decimal | None], higher_is_better: bool) -> Tile:
    definition = ALL[metric]
    grain = definition.grain.value
    latest, change, missing = fair_change(
        values, metric=definition, higher_is_better=higher_is_better
    )
    periods = sorted(values)
    periods = periods[-(DAILY_TREND_DAYS if grain == Grain.DAY.value else MONTHLY_TREND_MONTHS) :]
    scale = 100 if definition.unit == Unit.RATIO else 1
    trend = [None if values[p] is None else float(values[p] * scale) for p in periods]
    return Tile(
        metric=metric,
        label=LABELS[metric],
        unit=definition.unit.value,
        grain=grain,
        period=latest,
        value=values.get(latest) if latest else None,
        change=change,
        missing_previous=missing,
        trend=trend,
        trend_periods=periods,
        sparkline=sparkline(trend, value_label=_spark_label(definition.unit)),
    )


def _spark_label(unit: str):
    """How the sparkline's text alternative writes a value (ratios are already in percent)."""
    if unit == Unit.RATIO:
        return lambda value: f"{value:.1f}%"
    if unit == Unit.MONEY:
        return lambda value: f"{value:,.0f}"
    return lambda value: f"{value:.0f}"
