"""Erasing one person's product usage on request: their events go, and every day they
touched is computed again (its rollups, and the figures from the first of those days on)."""

from zoneinfo import ZoneInfo

from django.db.models import Q
from django.db.models.functions import TruncDate

from metrics.models import DirtyDay, UsageEvent
from metrics.services.dirty_days import dirty_days_mark, figures_mark_dirty
from tenants.models import Tenant


def contact_events(*, tenant: Tenant, contact):
    """Every event of the contact: attributed to it, or naming its external id."""
    return UsageEvent.objects.for_tenant(tenant).filter(
        Q(contact_id=contact.pk) | Q(contact_external_id=contact.external_id)
    )


def contact_events_erase(*, tenant: Tenant, contact) -> int:
    """Delete the contact's events and mark what they were counted in; the receipts of their
    message ids stay, so a replayed message cannot bring an erased event back."""
    events = contact_events(tenant=tenant, contact=contact)
    local_day = TruncDate("timestamp", tzinfo=ZoneInfo(tenant.time_zone))
    days = set(events.annotate(local_day=local_day).order_by().values_list("local_day", flat=True))
    if not days:
        return 0
    deleted, _ = events.delete()
    dirty_days_mark(tenant=tenant, days=days, kind=DirtyDay.Kind.EVENTS)
    figures_mark_dirty(tenant=tenant, since=min(days))
    return deleted
