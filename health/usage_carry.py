"""Usage windows carried from night to night: inside `usage_windows_carried()` (a nightly
run's scoring, under the metrics' tenant lock), the raw values of a day read their usage
from the windows of the day before moved on by a day (metrics.engine.usage_windows), and
keep the result for the next night.

The carried windows are exact while the rollups of their 60 days are as they were read.
Every rebuild of rollups makes the next scoring run start at or before the earliest rebuilt
day (`health_nightly`), and a scoring run forgets the windows of the days it scores and
later ones (`usage_windows_forget`), so windows built on rollups since rebuilt are never
carried on. Only scoring under the lock keeps windows: a read outside it (the alert rules
of a catch-up day) could otherwise keep windows of rollups rebuilt meanwhile. Anything else
than the day before (a first run, a gap, a changed catalog, unreadable data) builds them
from the rollups, with every account's last active day (also kept on: a nightly run then
looks up none but those of accounts created since)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from health.models import CarriedUsageWindows
from metrics.engine.usage_windows import UsageWindows, windows_advance, windows_build
from metrics.selectors import UsageAsOf, account_usage_carried, usage_windows_whole
from tenants.models import Tenant

_carried: ContextVar[bool] = ContextVar("usage_windows_carried", default=False)


@contextmanager
def usage_windows_carried() -> Iterator[None]:
    token = _carried.set(True)
    try:
        yield
    finally:
        _carried.reset(token)


def usage_carried(tenant: Tenant, day: date, window: int, accounts: list[int]) -> UsageAsOf | None:
    """The usage as of `day` from carried windows, kept for the next day; None outside
    `usage_windows_carried()`."""
    if not _carried.get():
        return None
    stored = CarriedUsageWindows.objects.for_tenant(tenant).filter(day=day - timedelta(days=1))
    data = stored.values_list("data", flat=True).first()
    windows = None
    if data is not None:
        previous = UsageWindows.loads(bytes(data))
        if previous is not None and previous.window == window:
            windows = windows_advance(tenant, previous)
    if windows is None:
        windows = windows_build(tenant, day, window)
    windows = usage_windows_whole(tenant=tenant, windows=windows)
    _keep(tenant, day, windows.dumps())
    return account_usage_carried(tenant=tenant, windows=windows, accounts=accounts)


def usage_windows_ready(tenant: Tenant, day: date, window: int) -> None:
    """Inside `usage_windows_carried()`, after scoring up to `day`: keep the windows of `day`
    for the next night if the scoring did not (a run of several days reads its usage as
    matrices, not as windows)."""
    if not _carried.get():
        return
    if not CarriedUsageWindows.objects.for_tenant(tenant).filter(day=day).exists():
        windows = usage_windows_whole(tenant=tenant, windows=windows_build(tenant, day, window))
        _keep(tenant, day, windows.dumps())


def _keep(tenant: Tenant, day: date, data: bytes) -> None:
    # An update, not update_or_create: that reads the row (and its megabyte) first.
    kept = CarriedUsageWindows.objects.for_tenant(tenant)
    if not kept.update(day=day, data=data, updated_at=timezone.now()):
        try:
            with transaction.atomic():
                kept.create(tenant=tenant, day=day, data=data)
        except IntegrityError:  # another run kept its windows meanwhile
            kept.update(day=day, data=data, updated_at=timezone.now())


def usage_windows_forget(tenant: Tenant, first: date) -> None:
    """Before scoring from `first`: windows of that day or later may rest on rollups rebuilt
    since (the reason to score those days again), so they are not carried on."""
    CarriedUsageWindows.objects.for_tenant(tenant).filter(day__gte=first).delete()
