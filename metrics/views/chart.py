"""A line chart of one daily metric as inline SVG geometry, computed on the server.

The template draws the SVG from these coordinates: no JavaScript or chart library is
needed, and undefined days break the line instead of dropping it to zero.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH, HEIGHT = 1000, 260
LEFT, RIGHT, TOP, BOTTOM = 70, 16, 14, 30  # room for the axis labels


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # "2026-11-22: 336,316.80", the dot's tooltip


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    line: str  # SVG path data; one subpath per run of defined days
    area: str
    points: list[Point]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    plot_left: int
    plot_right: int
    plot_bottom: int
    defined_days: int
    undefined_days: int

    @property
    def latest_label(self) -> str:
        return self.points[-1].label


def compact(value: float) -> str:
    """Axis label: 1.2M, 336k, 0.25."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2 or 5 times a power of ten apart)."""
    if high <= low:
        high = low + (abs(low) or 1)
    raw = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9 * step:
        ticks.append(ticks[-1] + step)
    return ticks


def line_chart(
    days: list[date],
    values: list[Decimal | None],
    *,
    axis_label: Callable[[float], str] = compact,
    point_label: Callable[[Decimal], str] = str,
    point_titles: list[str] | None = None,
) -> LineChart | None:
    """The chart of `values` (one per day of `days`, None where undefined); None when no day
    is defined."""
    defined = [float(v) for v in values if v is not None]
    if not defined:
        return None
    # Counts and amounts start at zero so that a small change does not look like a cliff.
    ticks = nice_ticks(min(0.0, *defined), max(defined))
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(days) - 1, 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - (value - low) / (high - low)), 1)

    points, runs, run = [], [], []
    for index, (day, value) in enumerate(zip(days, values, strict=True)):
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        x = round(LEFT + index * step, 1)
        y = y_of(float(value))
        run.append((x, y))
        title = point_titles[index] if point_titles else f"{day:%a %d %b %Y}: {point_label(value)}"
        points.append(Point(x, y, title))
    if run:
        runs.append(run)
    base = y_of(max(low, 0.0)) if low < 0 <= high else y_of(low)
    line = " ".join(_subpath(run) for run in runs)
    area = " ".join(
        f"{_subpath(run)} L{run[-1][0]},{base} L{run[0][0]},{base} Z" for run in runs if run
    )
    x_ticks = [
        Tick(
            round(LEFT + index * step, 1), f"{day.day} {day:%b}" if day.day != 1 else f"{day:%b %y}"
        )
        for index, day in enumerate(days)
        if _labelled(day, days)
    ]
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        line=line,
        area=area,
        points=points,
        y_ticks=[Tick(y_of(tick), axis_label(tick)) for tick in ticks],
        x_ticks=x_ticks,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=HEIGHT - BOTTOM,
        defined_days=len(defined),
        undefined_days=len(days) - len(defined),
    )


def _labelled(day: date, days: list[date]) -> bool:
    """About half a dozen x labels whatever the span: the 1st and 15th of each month over a few
    months, every first of the month, or every few months over years."""
    span = (days[-1] - days[0]).days
    if span <= 120:
        return day.day in (1, 15)
    every = max(1, round(span / 30 / 7))
    return day.day == 1 and (day.year * 12 + day.month) % every == 0


def _subpath(run: list[tuple[float, float]]) -> str:
    head, *rest = run
    return f"M{head[0]},{head[1]}" + "".join(f" L{x},{y}" for x, y in rest)
