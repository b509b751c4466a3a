"""Horizontal bars, one per row, the label written above the bar and the value beside it, so
that the chart reads without colour and long labels (any script) never collide. A "wide"
drawing for screens and a "compact" one for phones (CSS shows one)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal
ROW, BAR_HEIGHT, LEFT, VALUE_SPACE = 44, 14, 4, 130
SIZES = {"wide": 900, "compact": 360}


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number | None  # None: no figure (drawn as an empty bar, "display" says why)
    display: str  # what is written beside the bar: "12 (60%)", "n/a"
    key: str = ""  # a CSS class suffix: bar-<key> (e.g. a health band, "milestone")
    note: str = ""  # the bar's tooltip


@dataclass(frozen=True)
class BarGeometry:
    label: str
    display: str
    key: str
    note: str
    label_y: int
    bar_y: int
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    size: str
    width: int
    height: int
    left: int
    bar_height: int
    bars: list[BarGeometry]


def bar_chart(
    rows: Sequence[Bar], *, size: str = "wide", max_value: Number | None = None
) -> BarChart:
    """Bar lengths scale to `max_value` (e.g. the accounts that started a funnel) or to the
    largest value; negative values draw as an empty bar."""
    width = SIZES[size]
    span = width - LEFT - VALUE_SPACE
    top = (
        max_value
        if max_value is not None
        else max((row.value for row in rows if row.value is not None), default=0)
    )
    top = float(top) if top and top > 0 else 1.0
    bars = []
    for index, row in enumerate(rows):
        y = index * ROW
        share = max(float(row.value or 0), 0.0) / top
        length = round(span * min(share, 1.0), 1)
        bars.append(
            BarGeometry(
                label=row.label,
                display=row.display,
                key=row.key,
                note=row.note,
                label_y=y + 14,
                bar_y=y + 20,
                width=max(length, 1),  # a hairline still shows where the bar starts
                value_x=round(LEFT + max(length, 1) + 6, 1),
            )
        )
    return BarChart(size, width, len(bars) * ROW + 4, LEFT, BAR_HEIGHT, bars)
