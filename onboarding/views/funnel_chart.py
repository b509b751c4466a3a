"""Inline SVG geometry of the onboarding funnel, computed on the server (no JavaScript): one
bar per step and milestone, its length the share of the template's plans that reached it,
the label above the bar and the count beside it, so the chart reads without colour. A wide
version for screens and a compact one for phones (CSS shows one)."""

from dataclasses import dataclass

from onboarding.selectors.funnel import Funnel

ROW, BAR, VALUE_SPACE, LEFT = 44, 14, 120, 4
SIZES = {"wide": 900, "compact": 360}


@dataclass(frozen=True)
class FunnelBar:
    label: str
    is_milestone: bool
    label_y: int
    bar_y: int
    width: float
    value: str  # "12 (60%)"
    value_x: float


@dataclass(frozen=True)
class FunnelChart:
    size: str
    width: int
    height: int
    left: int
    bars: list[FunnelBar]


def funnel_chart(funnel: Funnel, size: str = "wide") -> FunnelChart:
    width = SIZES[size]
    span = width - LEFT - VALUE_SPACE
    bars = []
    for index, row in enumerate(funnel.rows):
        top = index * ROW
        length = round(span * row.reached / funnel.started, 1) if funnel.started else 0
        bars.append(
            FunnelBar(
                label=row.label,
                is_milestone=row.is_milestone,
                label_y=top + 14,
                bar_y=top + 20,
                width=max(length, 1),
                value=f"{row.reached} ({row.percent}%)",
                value_x=round(LEFT + max(length, 1) + 6, 1),
            )
        )
    return FunnelChart(size, width, len(bars) * ROW + 4, LEFT, bars)
