"""Erasing one contact on request (a data subject's right to erasure).

The contact, its NPS answers, its usage events and the log of emails sent to it are deleted,
the figures they were counted in are computed again, and one audit entry says who erased
which contact when, without the person's details.
"""

from auditlog.context import disable_auditlog
from django.db import transaction

from accounts.models import Contact, CustomerEmail, NpsResponse
from metrics import changes as metrics_changes
from tenants.audit.services import DELETE, audit_record
from tenants.models import Tenant


@transaction.atomic
def contact_erase(*, tenant: Tenant, contact: Contact) -> dict:
    """Erase `contact`; returns how many NPS answers, usage events and customer emails went
    with it."""
    answers = NpsResponse.objects.for_tenant(tenant).filter(contact=contact)
    answered_at = list(answers.values_list("answered_at", flat=True))
    answers.delete()
    metrics_changes.nps_answer_changed(tenant=tenant, answered_at=answered_at)
    events = metrics_changes.contact_erased(tenant=tenant, contact=contact)
    # The log holds the address and, in subjects, the name.
    emails, _ = CustomerEmail.objects.for_tenant(tenant).filter(contact=contact).delete()
    counts = {"nps_answers": len(answered_at), "usage_events": events, "customer_emails": emails}
    audit_record(
        instance=contact,
        action=DELETE,
        object_repr=f"Contact #{contact.pk}",
        additional_data={"erased_on_request": True, **counts},
    )
    # The entry above replaces the usual deletion entry, which would name the contact.
    with disable_auditlog():
        contact.delete()
    return counts
