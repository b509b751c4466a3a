"""Read queries of the account pages and API, with their joins decided here."""

from django.db.models import OuterRef, Subquery

from accounts.models import Account, AccountNote, Contact, Subscription


def accounts_list():
    return Account.objects.select_related("owner__user", "parent")


def account_terms(account, *, today):
    """The account's subscription terms, newest first, each with its `state` on `today`."""
    terms = list(account.subscriptions.order_by("-start_date", "-id"))
    for term in terms:
        term.state = term.state_on(today)
    return terms


def account_children(account):
    """The accounts directly below `account` in its hierarchy, by name."""
    return account.children.select_related("owner__user").order_by("name", "id")


def contacts_list():
    """Contacts with their account and their latest NPS answer, in one query."""
    from accounts.models import NpsResponse

    latest = NpsResponse.objects.filter(contact=OuterRef("pk")).order_by("-answered_at", "-id")
    return Contact.objects.select_related("account").annotate(
        latest_nps_score=Subquery(latest.values("score")[:1]),
        latest_nps_answered_at=Subquery(latest.values("answered_at")[:1]),
        latest_nps_comment=Subquery(latest.values("comment")[:1]),
    )


def subscriptions_list():
    return Subscription.objects.select_related("account")


def notes_list():
    return AccountNote.objects.select_related("account", "author__user")


def accounts_overview(*, on_date, search: str = "", segment: str = "", owner_id=None):
    """Accounts with current MRR and contact count, for the account list (one query)."""
    from django.db.models import Count, DecimalField, Q, Sum, Value
    from django.db.models.functions import Coalesce

    mrr = Subscription.objects.filter(account=OuterRef("pk")).active_on(on_date)
    mrr = mrr.values("account").annotate(total=Sum("mrr")).values("total")
    contacts = Contact.objects.filter(account=OuterRef("pk")).values("account")
    contacts = contacts.annotate(n=Count("pk")).values("n")
    queryset = Account.objects.select_related("owner__user", "parent").annotate(
        current_mrr=Coalesce(
            Subquery(mrr, output_field=DecimalField()), Value(0), output_field=DecimalField()
        ),
        contact_count=Coalesce(Subquery(contacts), Value(0)),
    )
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(domain__icontains=search) | Q(external_id=search)
        )
    if segment:
        queryset = queryset.filter(segment=segment)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    return queryset.order_by("name", "id")


def segments_in_use():
    return list(
        Account.objects.exclude(segment="")
        .order_by("segment")
        .values_list("segment", flat=True)
        .distinct()
    )
