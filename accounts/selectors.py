"""Read queries of the accounts pages and API, with their joins decided here."""

from django.db.models import OuterRef, Subquery

from accounts.models import (
    Account,
    AccountNote,
    Contact,
    Invitation,
    Membership,
    Subscription,
    TenantAPIKey,
)


def members_list():
    return Membership.objects.select_related("user").order_by("user__email")


def invitations_open():
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def api_keys_list():
    return TenantAPIKey.objects.select_related("created_by").order_by("revoked", "-created")


def accounts_list():
    return Account.objects.select_related("owner__user")


def contacts_list():
    """Contacts with their account and their latest NPS answer, in one query."""
    from health.models import NpsResponse

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
