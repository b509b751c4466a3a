"""Attach stored usage events to the account or contact they named, once that one is known.

Events are stored whatever arrives first; these set-based UPDATEs run when an account or
contact is created or moves to another account, so nothing sent early is ever dropped. The
local days of the events they touch are marked dirty, so the next metrics run rebuilds
those days' rollups with the new attribution.
"""

from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate

from accounts.models import Account, Contact
from metrics.models import UsageEvent
from metrics.services.dirty_days import dirty_days_mark
from tenants.models import Tenant


def events_attach_account(*, tenant: Tenant, account: Account) -> int:
    events = UsageEvent.objects.for_tenant(tenant).filter(
        account__isnull=True, account_external_id=account.external_id
    )
    return _attach(tenant, events, account=account)


def events_attach_contact(*, tenant: Tenant, contact: Contact) -> int:
    events = UsageEvent.objects.for_tenant(tenant)
    attached = _attach(
        tenant,
        events.filter(contact__isnull=True, contact_external_id=contact.external_id),
        contact=contact,
    )
    if contact.account_id is not None:
        # Events that named only the person belong to the person's account.
        attached += _attach(
            tenant,
            events.filter(contact=contact, account__isnull=True, account_external_id=""),
            account_id=contact.account_id,
        )
    return attached


def events_attach_accounts(*, tenant: Tenant, accounts) -> int:
    """`events_attach_account` for every account of the queryset `accounts`, in one UPDATE
    (a file of accounts imported at once)."""
    events = UsageEvent.objects.for_tenant(tenant).filter(
        account__isnull=True, account_external_id__in=accounts.values("external_id")
    )
    by_external_id = Account.objects.for_tenant(tenant).filter(
        external_id=OuterRef("account_external_id")
    )
    return _attach(tenant, events, account_id=Subquery(by_external_id.values("pk")[:1]))


def events_attach_contacts(*, tenant: Tenant, contacts) -> int:
    """`events_attach_contact` for every contact of the queryset `contacts`, set-based."""
    events = UsageEvent.objects.for_tenant(tenant)
    contact_by_external_id = Contact.objects.for_tenant(tenant).filter(
        external_id=OuterRef("contact_external_id")
    )
    attached = _attach(
        tenant,
        events.filter(contact__isnull=True, contact_external_id__in=contacts.values("external_id")),
        contact_id=Subquery(contact_by_external_id.values("pk")[:1]),
    )
    # Events that named only the person belong to the person's account.
    contact_by_id = Contact.objects.for_tenant(tenant).filter(pk=OuterRef("contact_id"))
    attached += _attach(
        tenant,
        events.filter(
            contact__in=contacts.filter(account__isnull=False).values("pk"),
            account__isnull=True,
            account_external_id="",
        ),
        account_id=Subquery(contact_by_id.values("account_id")[:1]),
    )
    return attached


def _attach(tenant: Tenant, events, **values) -> int:
    local_day = TruncDate("timestamp", tzinfo=ZoneInfo(tenant.time_zone))
    days = set(
        events.annotate(local_day=local_day)
        .order_by()
        .values_list("local_day", flat=True)
        .distinct()
    )
    if not days:
        return 0
    attached = events.update(**values)
    dirty_days_mark(tenant=tenant, days=days)
    return attached
