"""A line chart of one or more daily (or weekly, monthly) series as SVG geometry.

The template (templates/charts/line.html) draws it: a path per series, broken where a value
is missing rather than dropped to zero; horizontal reference lines ("bands", e.g. the health
cut-offs); vertical dated lines ("markers", e.g. a new scorecard version). Each series has its
own dash pattern and marker shape besides its colour, so that the chart reads in greyscale.
"""

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import pgettext

from tenants.charts.scale import compact, nice_ticks

Number = int | float | Decimal


@dataclass(frozen=True)
class Size:
    width: int
    height: int
    left: int  # room for the y-axis labels
    max_labels: int  # date labels along the x axis


# "compact" is drawn for a phone's width (rather than shrinking the wide one, whose text would
# become unreadable); pages pass both and CSS shows one.
SIZES = {
    "wide": Size(width=1000, height=260, left=64, max_labels=12),
    "compact": Size(width=400, height=240, left=48, max_labels=4),
}
RIGHT, TOP, BOTTOM = 16, 24, 30  # TOP leaves room for the markers' labels
STYLES = 4  # dash pattern and marker shape pairs, see line.html and app.css (.series-N)


@dataclass(frozen=True)
class Series:
    """One line: `values` aligned with the chart's days, None where there is no value."""

    name: str
    values: Sequence[Number | None]
    key: str = ""  # a stable name for CSS and tests, e.g. the metric's name


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: date
    value: Number
    label: str  # the tooltip: "Nov. 22, 2026: 336,316.80"
    isolated: bool  # no neighbour to draw a line to: its marker shows it
    shape: str  # SVG path data of the series' marker shape around the point


@dataclass(frozen=True)
class SeriesLine:
    name: str
    key: str
    style: int  # 1..STYLES
    path: str  # SVG path data, one subpath per run of defined values
    points: list[Point]
    legend_shape: str  # the marker shape for the legend's 40x14 swatch

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class Tick:
    at: float
    label: str
    anchor: str = "middle"  # text-anchor: the first and last labels stay inside the chart


@dataclass(frozen=True)
class Band:
    at: float  # y
    value: Number
    label: str


@dataclass(frozen=True)
class Marker:
    at: float  # x
    day: date
    label: str
    anchor: str = "middle"


@dataclass(frozen=True)
class TableRow:
    day: date
    label: str
    cells: list[str | None]


@dataclass(frozen=True)
class LineChart:
    size: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    first_day: date
    last_day: date
    series: list[SeriesLine]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    bands: list[Band] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    table: list[TableRow] = field(default_factory=list)  # for the accessible table

    # The first series, for the many charts that have a single one.
    @property
    def line(self) -> str:
        return self.series[0].path

    @property
    def points(self) -> list[Point]:
        return self.series[0].points

    @property
    def latest_label(self) -> str:
        latest = self.series[0].latest
        return latest.label if latest else ""

    @property
    def defined_days(self) -> int:
        return sum(1 for row in self.table if row.cells[0] is not None)

    @property
    def undefined_days(self) -> int:
        return len(self.table) - self.defined_days

    @property
    def has_gaps(self) -> bool:
        return any(cell is None for row in self.table for cell in row.cells)


def line_chart(
    days: Sequence[date],
    series: Sequence[Series],
    *,
    bands: Sequence[tuple[Number, str]] = (),
    markers: Sequence[tuple[date, str]] = (),
    size: str = "wide",
    y_min: Number | None = None,
    y_max: Number | None = None,
    value_label: Callable[[Number], str] = str,
    axis_label: Callable[[float], str] = compact,
) -> LineChart | None:
    """The chart of `series` over `days` (ascending); None when no series has a value.

    The y axis starts at zero unless a value is negative (a small change must not look like a
    cliff) and covers the bands; `y_min`/`y_max` fix it (e.g. 0 and 100 for a score)."""
    days = list(days)
    for line in series:
        if len(line.values) != len(days):
            count = len(line.values)
            raise ValueError(f"series {line.name!r} has {count} values for {len(days)} days")
    defined = [float(v) for line in series for v in line.values if v is not None]
    if not days or not defined:
        return None
    geometry = SIZES[size]
    left, right, top = geometry.left, geometry.width - RIGHT, TOP
    bottom = geometry.height - BOTTOM
    plot_w, plot_h = right - left, bottom - top

    reference = [float(value) for value, _ in bands]
    low = float(y_min) if y_min is not None else min([0.0, *defined, *reference])
    high = float(y_max) if y_max is not None else max([*defined, *reference])
    ticks = nice_ticks(low, high)
    if y_min is None:
        low = ticks[0]
    if y_max is None:
        high = ticks[-1]
    ticks = [tick for tick in ticks if low - 1e-9 <= tick <= high + 1e-9]
    span = (high - low) or 1.0

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - (value - low) / span), 1)

    def x_of(index: int) -> float:
        if len(days) == 1:
            return round(left + plot_w / 2, 1)
        return round(left + index * plot_w / (len(days) - 1), 1)

    several = len(series) > 1
    lines = []
    for number, line in enumerate(series):
        style = number % STYLES + 1
        runs, run, points = [], [], []
        for index, value in enumerate(line.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append((index, x_of(index), y_of(float(value))))
        if run:
            runs.append(run)
        for run in runs:
            for index, x, y in run:
                day, value = days[index], line.values[index]
                label = f"{date_format(day, 'DATE_FORMAT')}: {value_label(value)}"
                points.append(
                    Point(
                        x=x,
                        y=y,
                        day=day,
                        value=value,
                        label=f"{line.name} · {label}" if several else label,
                        isolated=len(run) == 1,
                        shape=_shape(style, x, y),
                    )
                )
        path = " ".join(
            f"M{r[0][1]},{r[0][2]}" + "".join(f" L{x},{y}" for _, x, y in r[1:]) for r in runs
        )
        lines.append(SeriesLine(line.name, line.key, style, path, points, _shape(style, 20, 7)))

    chart_bands = [
        Band(y_of(float(value)), value, label)
        for value, label in bands
        if low <= float(value) <= high
    ]
    chart_markers = []
    for day, label in markers:
        index = bisect_left(days, day)
        if day < days[0] or index >= len(days):
            continue  # outside the chart
        x = x_of(index)
        anchor = "start" if x - left < 24 else "end" if right - x < 24 else "middle"
        chart_markers.append(Marker(x, day, label, anchor))

    table = [
        TableRow(
            day,
            date_format(day, "DATE_FORMAT"),
            [None if line.values[i] is None else value_label(line.values[i]) for line in series],
        )
        for i, day in enumerate(days)
    ]
    return LineChart(
        size=size,
        width=geometry.width,
        height=geometry.height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        first_day=days[0],
        last_day=days[-1],
        series=lines,
        y_ticks=[Tick(y_of(tick), axis_label(tick), "end") for tick in ticks],
        x_ticks=_x_ticks(days, x_of, geometry, left, right),
        bands=chart_bands,
        markers=chart_markers,
        table=table,
    )


def _x_ticks(days: list[date], x_of, geometry: Size, left: int, right: int) -> list[Tick]:
    """Date labels on the 1st (and, when there is room, the 15th) of each month; otherwise
    evenly spaced. Month names come from the active language (date_format)."""
    daily = len(days) > 1 and all((b - a).days == 1 for a, b in zip(days, days[1:], strict=False))
    wanted = (1, 15) if geometry.max_labels > 6 else (1,)
    indices = [i for i, day in enumerate(days) if day.day in wanted] if daily else []
    if not 2 <= len(indices) <= geometry.max_labels:
        count = min(len(days), geometry.max_labels)
        if count == 1:
            indices = [0]
        else:
            indices = sorted({round(n * (len(days) - 1) / (count - 1)) for n in range(count)})
    long_span = (days[-1] - days[0]).days > 400
    # A short day-and-month format of each language (Django's MONTH_DAY_FORMAT spells the
    # month in full, and in Russian in the wrong case): "Sep 1", "9月1日", "1 сентября".
    fmt = "YEAR_MONTH_FORMAT" if long_span else pgettext("chart axis date format", "M j")
    if not daily and all(day.day == 1 for day in days) and len(days) > 1:
        fmt = "YEAR_MONTH_FORMAT"  # monthly series: the month is the point
    ticks = []
    for index in indices:
        x = x_of(index)
        anchor = "start" if x - left < 30 else "end" if right - x < 30 else "middle"
        ticks.append(Tick(x, date_format(days[index], fmt), anchor))
    return ticks


def _shape(style: int, x: float, y: float) -> str:
    """The marker of a series style: circle, square, triangle, diamond (about 9 px across)."""
    r = 4.5

    def n(value: float) -> str:
        return f"{round(value, 1):g}"

    if style == 1:
        return f"M{n(x - r)},{n(y)} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"
    if style == 2:
        return f"M{n(x - 4)},{n(y - 4)} h8 v8 h-8 Z"
    if style == 3:
        return f"M{n(x)},{n(y - 5)} L{n(x + r)},{n(y + 4)} L{n(x - r)},{n(y + 4)} Z"
    return f"M{n(x)},{n(y - 5)} L{n(x + 5)},{n(y)} L{n(x)},{n(y + 5)} L{n(x - 5)},{n(y)} Z"
