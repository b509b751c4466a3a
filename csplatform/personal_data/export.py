"""Everything stored about one contact, as one JSON document (times in ISO 8601, UTC)."""

from django.utils import timezone

from accounts.models import Contact, CustomerEmail, NpsResponse
from metrics.services.erasure import contact_events
from tenants.models import Tenant


def _time(moment):
    return moment.isoformat() if moment is not None else None


def contact_personal_data(*, tenant: Tenant, contact: Contact) -> dict:
    """Four queries whatever the contact holds: contact with account, answers, events,
    emails."""
    account = contact.account
    answers = (
        NpsResponse.objects.for_tenant(tenant)
        .filter(contact=contact)
        .order_by("answered_at", "id")
        .values("external_id", "score", "comment", "answered_at")
    )
    emails = (
        CustomerEmail.objects.for_tenant(tenant)
        .filter(contact=contact)
        .order_by("created_at", "id")
        .values("to", "template_key", "language", "subject", "status", "created_at", "sent_at")
    )
    events = (
        contact_events(tenant=tenant, contact=contact)
        .order_by("timestamp", "id")
        .values("message_id", "type", "event", "timestamp", "received_at", "properties")
    )
    return {
        "exported_at": _time(timezone.now()),
        "tenant": tenant.name,
        "contact": {
            "external_id": contact.external_id,
            "email": contact.email or None,
            "name": contact.name,
            "traits": contact.traits,
            "language": contact.language,
            "email_unsubscribed_at": _time(contact.email_unsubscribed_at),
            "created_at": _time(contact.created_at),
            "updated_at": _time(contact.updated_at),
        },
        "account": (
            {"external_id": account.external_id, "name": account.name} if account else None
        ),
        "nps_answers": [
            {**answer, "answered_at": _time(answer["answered_at"])} for answer in answers
        ],
        "customer_emails": [
            {**email, "created_at": _time(email["created_at"]), "sent_at": _time(email["sent_at"])}
            for email in emails
        ],
        "usage_events": [
            {
                **event,
                "timestamp": _time(event["timestamp"]),
                "received_at": _time(event["received_at"]),
            }
            for event in events.iterator(chunk_size=2000)
        ],
    }
