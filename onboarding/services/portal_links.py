"""Personal links to the customer portal, under the same rules as survey links: a token
signed with the site's key that names the tenant and the link, stored only as its SHA-256
(unique per tenant). A forged, altered, expired, revoked or unknown token finds nothing, and
the portal answers 404 without saying which.

The token is deterministic, so an email made later (a reminder) can carry the link again
without the token ever being stored."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Contact
from onboarding.models import PortalLink
from tenants.models import Membership, Tenant
from tenants.tenancy.context import cross_tenant, tenant_scope

SALT = "onboarding.portal.link"
# Long enough for the first 90 days of onboarding and a little more; a new link can be made
# at any time, and links made for emails are renewed when fewer than RENEW_DAYS remain.
LINK_DAYS = 120
RENEW_DAYS = 14


def link_token(tenant_id: int, link_id: int) -> str:
    return signing.Signer(salt=SALT).sign_object({"t": tenant_id, "l": link_id})


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def portal_url(token: str) -> str:
    return settings.SITE_URL + reverse("portal", args=[token])


def portal_link_create(
    *, tenant: Tenant, contact: Contact, days: int = LINK_DAYS, created_by: Membership | None = None
) -> tuple[PortalLink, str]:
    """A new personal link for `contact` to its account's checklist: (link, its URL)."""
    if contact.tenant_id != tenant.pk:
        raise ValidationError({"contact": [_("No such contact.")]})
    if not contact.account_id:
        raise ValidationError({"contact": [_("This contact belongs to no account.")]})
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError({"days": [_("A link lasts 1 to 365 days.")]})
    with tenant_scope(tenant):
        link = PortalLink.objects.create(
            tenant=tenant, contact=contact, account_id=contact.account_id,
            token_sha256="", expires_at=timezone.now() + timedelta(days=days),
            created_by=created_by,
        )  # fmt: skip
        token = link_token(tenant.pk, link.pk)
        link.token_sha256 = token_sha256(token)
        link.save(update_fields=["token_sha256"])
    return link, portal_url(token)


def portal_url_for(*, tenant: Tenant, contact: Contact) -> str:
    """The URL of `contact`'s current link to its account's checklist (for an email): the
    newest one with at least RENEW_DAYS left, else a new one."""
    with tenant_scope(tenant):
        link = (
            PortalLink.objects.filter(
                contact=contact,
                account_id=contact.account_id,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now() + timedelta(days=RENEW_DAYS),
            )
            .order_by("-expires_at", "-id")
            .first()
        )
    if link is None:
        return portal_link_create(tenant=tenant, contact=contact)[1]
    return portal_url(link_token(tenant.pk, link.pk))


def portal_link_revoke(*, tenant: Tenant, link: PortalLink) -> None:
    with tenant_scope(tenant):
        PortalLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def portal_link_used(link: PortalLink) -> None:
    """Note that the link was opened just now (the CSM sees whether a contact came by)."""
    with tenant_scope(link.tenant):
        PortalLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


def link_for_token(token: str) -> PortalLink | None:
    """The link a genuine, unexpired, unrevoked token names, across tenants (the token says
    which), while its contact still belongs to the link's account; None otherwise."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        tenant_id, link_id = int(data["t"]), int(data["l"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    with cross_tenant():
        link = (
            PortalLink.objects.unscoped()
            .select_related("tenant", "contact", "account")
            .filter(tenant_id=tenant_id, pk=link_id)
            .first()
        )
    if link is None or not hmac.compare_digest(link.token_sha256, token_sha256(token)):
        return None
    if link.revoked_at is not None or link.expires_at <= timezone.now():
        return None
    if link.contact.account_id != link.account_id:
        return None
    return link
