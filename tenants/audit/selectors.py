"""Reading the active tenant's audit log with the page's filters, joins decided here."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType

from tenants.audit.registry import audit_label, audited_models
from tenants.models import AuditEntry, Membership, Tenant, TenantAPIKey


def audit_model_choices() -> list[tuple[str, str]]:
    types = ContentType.objects.get_for_models(*audited_models())
    return [(str(types[model].pk), audit_label(model)) for model in audited_models()]


def audit_actor_choices(api_key_label) -> list[tuple[str, str]]:
    """Members ("user-<id>") and API keys ("key-<id>"), the two kinds of actor."""
    emails = Membership.objects.order_by("user__email").values_list("user_id", "user__email")
    keys = TenantAPIKey.objects.order_by("name").values_list("pk", "name")
    return [(f"user-{user_id}", email) for user_id, email in emails] + [
        (f"key-{pk}", api_key_label % {"name": name}) for pk, name in keys
    ]


def audit_entries(
    *,
    tenant: Tenant,
    actor: int | None = None,
    api_key: str | None = None,
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
    if api_key is not None:
        entries = entries.filter(api_key_id=api_key)
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
