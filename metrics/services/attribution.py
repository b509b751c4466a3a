"""Attach stored usage events to the account or contact they named, once that one is known.

Events are stored whatever arrives first; these set-based UPDATEs run when an account or
contact is created or moves to another account, so nothing sent early is ever dropped.
"""

from accounts.models import Account, Contact, Tenant
from metrics.models import UsageEvent


def events_attach_account(*, tenant: Tenant, account: Account) -> int:
    return (
        UsageEvent.objects.for_tenant(tenant)
        .filter(account__isnull=True, account_external_id=account.external_id)
        .update(account=account)
    )


def events_attach_contact(*, tenant: Tenant, contact: Contact) -> int:
    events = UsageEvent.objects.for_tenant(tenant)
    attached = events.filter(contact__isnull=True, contact_external_id=contact.external_id).update(
        contact=contact
    )
    if contact.account_id is not None:
        # Events that named only the person belong to the person's account.
        attached += events.filter(
            contact=contact, account__isnull=True, account_external_id=""
        ).update(account_id=contact.account_id)
    return attached
