"""How a KPI's latest figure compares with an earlier one, the same on every page that shows
a change (the home tiles, the KPI trends): ratios change in percentage points, the rest by
their difference and in percent of the earlier figure. Which earlier period is fair to compare
with is engine.calendar.fair_previous's answer. Pure."""

from dataclasses import dataclass
from decimal import Decimal

from metrics.definitions import Metric, Unit

# Ratios read as a multiple ("3.2×") rather than a percentage: they change in percent.
MULTIPLES = {"ltv_to_cac"}


@dataclass(frozen=True)
class Comparison:
    delta: Decimal  # now - before; for percentage ratios in percentage points
    relative: Decimal | None  # the difference in percent of `before`; None when it is 0
    in_points: bool  # a percentage ratio: its change reads in points

    @property
    def direction(self) -> str:
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "flat"


def in_points(metric: Metric) -> bool:
    return metric.unit == Unit.RATIO and metric.name not in MULTIPLES


def compare(metric: Metric, now, before) -> Comparison | None:
    """`now` against `before` (None when either is undefined: no change is made up)."""
    if now is None or before is None:
        return None
    now, before = Decimal(now), Decimal(before)
    difference = now - before
    points = in_points(metric)
    return Comparison(
        delta=difference * 100 if points else difference,
        relative=difference / abs(before) * 100 if before else None,
        in_points=points,
    )
