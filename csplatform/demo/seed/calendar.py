"""The seeded period: local calendar days of the tenant, indexed 0..days-1.

Generation works on day indices and local seconds; `Period.base` turns a (day, local second)
into UTC epoch seconds with the offset in force at local noon, which is exact for any time
after 03:00 (daylight-saving changes happen in the night), and events are in working hours.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np


@dataclass(frozen=True)
class Period:
    start: date
    days: int
    time_zone: str
    base: np.ndarray  # int64: UTC epoch seconds of each local day's 00:00 (noon offset)
    weekday: np.ndarray  # int8: 0 Monday .. 6 Sunday, per day

    @property
    def end(self) -> date:
        """The last seeded day (included)."""
        return self.start + timedelta(days=self.days - 1)

    def date(self, day: int) -> date:
        return self.start + timedelta(days=int(day))

    def day(self, value: date) -> int:
        return (value - self.start).days

    def epoch(self, day: int, local_seconds: float) -> float:
        return float(self.base[day]) + local_seconds

    def iso(self, day: int, local_seconds: float) -> str:
        """A UTC timestamp for COPY, e.g. '2026-01-05 08:30:00+00:00'."""
        return datetime.fromtimestamp(self.epoch(day, local_seconds), UTC).isoformat(sep=" ")

    def months(self) -> list[tuple[date, int, int]]:
        """(first day of month, first day index, end day index) of each month touched."""
        result, day = [], 0
        while day < self.days:
            current = self.date(day)
            following = add_months(current.replace(day=1), 1)
            end = min(self.days, self.day(following))
            result.append((current.replace(day=1), day, end))
            day = end
        return result


def period_build(*, end: date, days: int, time_zone: str) -> Period:
    zone = ZoneInfo(time_zone)
    start = end - timedelta(days=days - 1)
    base = np.empty(days, dtype=np.int64)
    weekday = np.empty(days, dtype=np.int8)
    for index in range(days):
        local = start + timedelta(days=index)
        noon = datetime.combine(local, time(12), tzinfo=zone)
        base[index] = int(noon.timestamp()) - 12 * 3600
        weekday[index] = local.weekday()
    return Period(start=start, days=days, time_zone=time_zone, base=base, weekday=weekday)


def add_months(value: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    total = value.year * 12 + value.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    for day in (value.day, 30, 29, 28):
        try:
            return date(year, month, min(value.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_between(first: date, last: date) -> int:
    """Whole months from `first` to `last` (tenure), never negative."""
    months = (last.year - first.year) * 12 + last.month - first.month
    if last.day < first.day:
        months -= 1
    return max(0, months)
