"""Inviting teammates by email with a role, sending the invitation, accepting it."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tenants.language.session import available
from tenants.models import Invitation, Membership, Role, Tenant, UserPreference
from tenants.models.invitation import hash_token
from tenants.services.tenants import MAX_EMAIL_LENGTH, membership_add, user_get_or_create
from tenants.tenancy.context import cross_tenant, tenant_scope
from tenants.tenancy.outbox import enqueue_on_commit


@transaction.atomic
def invitation_create(*, tenant: Tenant, email: str, role: str, invited_by) -> Invitation:
    """Create (or renew) the open invitation for `email`; the mail goes out after commit.

    The link's token is issued when the mail is sent (`invitation_send`), so it is never
    written anywhere but the email. Renewing empties the stored hash: an earlier link stops
    working at once, and the mail that follows carries a new one.
    """
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid email address."}) from None
    if len(email) > MAX_EMAIL_LENGTH:  # the address is also the sign-in name
        raise ValidationError(
            {"email": f"Use an address of at most {MAX_EMAIL_LENGTH} characters."}
        )
    if role not in Role.values or role == Role.OWNER:
        allowed = ", ".join(r for r in Role.values if r != Role.OWNER)
        raise ValidationError({"role": f"Choose one of: {allowed}."})
    if Membership.objects.for_tenant(tenant).filter(user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {tenant.name}."})
    invitation = (
        Invitation.objects.for_tenant(tenant)
        .filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_for_update()
        .first()
    )
    if invitation is None:
        invitation = Invitation(tenant=tenant, email=email)
    invitation.role = role
    invitation.invited_by = invited_by
    invitation.token_hash = None
    # Unsent, it still expires; once sent, its link works for the whole period from then.
    invitation.expires_at = _expiry(timezone.now())
    invitation.sent_at = None
    invitation.save()
    from tenants.tasks import send_invitation

    enqueue_on_commit(send_invitation, tenant, invitation.pk)
    return invitation


def _expiry(start):
    return start + timedelta(days=settings.INVITATION_VALID_DAYS)


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitation-accept", args=[token])


@transaction.atomic
def invitation_send(*, tenant: Tenant, invitation_id: int) -> bool:
    """Issue the invitation's link and email it. Idempotent: a sent, accepted, revoked or
    expired invitation is not sent again.

    The row stays locked until the mail is out and the hash committed, so a duplicated task
    waits and then finds it sent. A mail that fails rolls the new hash back, and the retry
    issues another link.
    """
    invitation = (
        Invitation.objects.for_tenant(tenant)
        .select_for_update(of=("self",))
        .select_related("invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status != "pending" or invitation.sent_at is not None:
        return False
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = _expiry(invitation.sent_at)
    # A plain UPDATE: sending is not a change anybody made to the invitation (no audit entry).
    Invitation.objects.for_tenant(tenant).filter(pk=invitation.pk).update(
        token_hash=invitation.token_hash,
        sent_at=invitation.sent_at,
        expires_at=invitation.expires_at,
    )
    context = {"invitation": invitation, "tenant": tenant, "url": invitation_url(token)}
    # The invitee has no language of their own yet: the inviter's (a colleague's) is the best
    # guess; the expiry is in the tenant's time zone, named.
    with (
        translation.override(_inviter_language(invitation)),
        timezone.override(tenant.time_zone),
    ):
        subject = _("You are invited to %(tenant)s on csplatform") % {"tenant": tenant.name}
        message = render_to_string("tenants/email/invitation.txt", context)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[invitation.email])
    return True


def _inviter_language(invitation: Invitation) -> str:
    if invitation.invited_by_id is None:
        return settings.LANGUAGE_CODE
    language = (
        UserPreference.objects.filter(user_id=invitation.invited_by_id)
        .values_list("language", flat=True)
        .first()
    )
    return language if language and available(language) else settings.LANGUAGE_CODE


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation behind a link; found across tenants because the token names it."""
    with cross_tenant():
        return (
            Invitation.objects.unscoped()
            .select_related("tenant", "invited_by")
            .filter(token_hash=hash_token(token))
            .first()
        )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user=None, password: str | None = None, name: str = ""
):
    """Turn the invitation into a membership for `user` (or a new user with `password`)."""
    with tenant_scope(invitation.tenant):  # the invitation's tenant, found by its token
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != "pending":
            raise ValidationError(f"This invitation is {invitation.status}.")
        if user is None:
            user, _ = user_get_or_create(email=invitation.email, password=password, name=name)
        elif user.email.lower() != invitation.email.lower():
            raise ValidationError(
                f"This invitation is for {invitation.email}; you are signed in as {user.email}."
            )
        membership = membership_add(tenant=invitation.tenant, user=user, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        return membership


@transaction.atomic
def invitation_revoke(*, tenant: Tenant, invitation: Invitation) -> Invitation:
    if invitation.tenant_id != tenant.pk:
        raise Invitation.DoesNotExist
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitations_purge_expired(*, tenant: Tenant, older_than_days: int = 30) -> int:
    """Delete invitations that expired long ago and were never used (nightly housekeeping)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = (
        Invitation.objects.for_tenant(tenant)
        .filter(accepted_at__isnull=True, expires_at__lt=cutoff)
        .delete()
    )
    return deleted
