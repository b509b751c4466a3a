"""Reading the active tenant's audit log with the page's filters, joins decided here."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType

from tenants.audit.registry import audit_label, audited_models
from tenants.models import AuditEntry, Membership, Tenant


def audit_model_choices() -> list[tuple[str, str]]:
    types = ContentType.objects.get_for_models(*audited_models())
    return [(str(types[model].pk), audit_label(model)) for model in audited_models()]


def audit_actor_choices() -> list[tuple[str, str]]:
    emails = Membership.objects.order_by("user__email").values_list("user_id", "user__email")
    return [(str(user_id), email) for user_id, email in emails]


def audit_entries(
    *,
    tenant: Tenant,
    actor: int | None = None,
    content_type: int | None = None,
    since: date | None = None,
    until: date | None = None,
):
    """The tenant's entries, newest first; `since`/`until` are local days, both included."""
    entries = (
        AuditEntry.objects.for_tenant(tenant)
        .select_related("content_type", "api_key")
        .order_by("-timestamp", "-id")
    )
    if actor is not None:
        entries = entries.filter(actor_id=actor)
    if content_type is not None:
        entries = entries.filter(content_type_id=content_type)
    zone = ZoneInfo(tenant.time_zone)
    if since is not None:
        entries = entries.filter(timestamp__gte=datetime.combine(since, time(), zone))
    if until is not None:
        entries = entries.filter(
            timestamp__lt=datetime.combine(until + timedelta(days=1), time(), zone)
        )
    return entries
