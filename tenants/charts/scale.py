"""Axis scales shared by the charts: round tick values and short axis labels."""

import math


def compact(value: float) -> str:
    """A short axis label: 1.2M, 336k, 0.25, -4k."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], 1, 2, 2.5 or 5 times a power of ten apart, so
    that the gridlines fall on numbers a reader can use."""
    if high <= low:
        high = low + (abs(low) or 1)
    raw = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step + 1e-9) * step
    ticks = [_clean(start)]
    while ticks[-1] < high - 1e-9 * step:
        ticks.append(_clean(ticks[-1] + step))
    return ticks


def _clean(value: float) -> float:
    """0.30000000000000004 -> 0.3: repeated additions must not leak into the labels."""
    return float(f"{value:.12g}") + 0.0  # + 0.0 turns -0.0 into 0.0
