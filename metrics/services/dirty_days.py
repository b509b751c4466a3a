"""Marking days computed already for another computation, inside the writer's transaction.

Writers of anything a figure is made of call these: event attribution marks the days whose
rollups change; subscription terms, NPS answers, an account's segment or owner, the feature
catalog and the tenant's metric settings mark the figures from the first day they change.
A mark that commits after a run has read the marks stays for the next run; a day marked
again gets a new time, so the run that read the old mark does not clear the new one.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Subscription
from metrics.models import DirtyDay
from tenants.models import Tenant

# "From the beginning": the nightly run starts no earlier than the history it computed.
BEGINNING = date(1970, 1, 1)


def dirty_days_mark(*, tenant: Tenant, days, kind: str = DirtyDay.Kind.EVENTS) -> None:
    DirtyDay.objects.for_tenant(tenant).bulk_create(
        [DirtyDay(tenant=tenant, kind=kind, day=day) for day in days],
        update_conflicts=True,
        unique_fields=["tenant", "kind", "day"],
        update_fields=["marked_at"],
    )


def terms_mark_changed(*, tenant: Tenant, terms: list[Subscription]) -> None:
    """Figures change from the earliest day a written or deleted term touches: its start,
    the grace window before it (a renewal turns the gap since the previous term's end back
    into active days) and its end."""
    as_date = Subscription._meta.get_field("start_date").to_python  # values may be text
    days = []
    for term in terms:
        start, end = as_date(term.start_date), as_date(term.end_date)
        if start is not None:
            days.append(start - timedelta(days=tenant.renewal_grace_days))
        if end is not None:
            days.append(end)
    if days:
        dirty_days_mark(tenant=tenant, days=[min(days)], kind=DirtyDay.Kind.FIGURES)


def figures_mark_dirty(*, tenant: Tenant, since: date = BEGINNING) -> None:
    """The figures of `since` and every day after it must be computed again."""
    dirty_days_mark(tenant=tenant, days=[since], kind=DirtyDay.Kind.FIGURES)


def local_day(tenant: Tenant, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(tenant.time_zone)).date()
