"""Local days and months of a tenant, and their bounds as UTC instants."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_midnight(day: date, time_zone: str) -> datetime:
    """The instant the local `day` begins, in UTC (DST-safe: zoneinfo resolves the offset)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def local_today(time_zone: str, now: datetime | None = None) -> date:
    now = now or datetime.now(UTC)
    return now.astimezone(ZoneInfo(time_zone)).date()


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def fair_previous(period: date, *, daily: bool) -> date:
    """The period a figure is fairly compared with: the same weekday a week before for a daily
    figure (weekdays and weekends differ), the month before for a monthly one."""
    return period - timedelta(days=7) if daily else add_months(period, -1)
