"""A sparkline: a small trend drawn inline next to a figure (a table cell, a tile), with the
first, last, lowest and highest values for its text alternative."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal
WIDTH, HEIGHT, PAD = 100, 24, 3


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    path: str  # one subpath per run of defined values
    last_x: float
    last_y: float
    first: str
    last: str
    low: str
    high: str
    direction: str  # "up", "down" or "flat": last against first, for an arrow beside it


def sparkline(
    values: Sequence[Number | None], *, value_label: Callable[[Number], str] = str
) -> Sparkline | None:
    """None when no value is defined. The y range is the values' own (a sparkline shows the
    shape of a trend; its figures are written beside it)."""
    defined = [v for v in values if v is not None]
    if not defined:
        return None
    low, high = min(defined), max(defined)
    span = float(high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y_of(value: Number) -> float:
        if high == low:
            return HEIGHT / 2
        return round(PAD + (HEIGHT - 2 * PAD) * (1 - float(value - low) / span), 1)

    parts, pen_down, last = [], False, (0.0, 0.0)
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        x = round(PAD + index * step, 1) if len(values) > 1 else WIDTH / 2
        last = (x, y_of(value))
        parts.append(f"{'L' if pen_down else 'M'}{x},{last[1]}")
        pen_down = True
    first_value, last_value = defined[0], defined[-1]
    direction = "up" if last_value > first_value else "down" if last_value < first_value else "flat"
    return Sparkline(
        width=WIDTH,
        height=HEIGHT,
        path=" ".join(parts),
        last_x=last[0],
        last_y=last[1],
        first=value_label(first_value),
        last=value_label(last_value),
        low=value_label(low),
        high=value_label(high),
        direction=direction,
    )
