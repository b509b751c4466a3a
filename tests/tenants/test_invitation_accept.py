"""Accepting an invitation link: new users sign up, existing users sign in; bad links 404."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from tenants.models import Invitation, Membership
from tenants.services.invitations import invitation_create
from tests.conftest import MODEL_BACKEND

pytestmark = pytest.mark.django_db


def _invite(tenant, owner, email="new@acme.test", role="csm"):
    """The invitation and the link of the email it sent (the token exists nowhere else)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = invitation_create(tenant=tenant, email=email, role=role, invited_by=owner)
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    return invitation, re.search(r"/invitations/[^/\s]+/", mail.outbox[-1].body).group()


def test_new_user_creates_account_and_joins(tenant, owner, client):
    invitation, url = _invite(tenant, owner)
    page = client.get(url)
    assert page.status_code == 200 and "Join Acme" in page.content.decode()
    response = client.post(
        url, {"name": "Nina", "password1": "a-long-passphrase", "password2": "a-long-passphrase"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(email="new@acme.test")
    membership = Membership.objects.for_tenant(tenant).get(user=user)
    assert membership.role == "csm"
    assert client.get("/").context["current_tenant"] == tenant
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert client.get(url).status_code == 404  # a link works once


def test_signup_errors_name_the_fields(tenant, owner, client):
    _, url = _invite(tenant, owner)
    response = client.post(url, {"name": "", "password1": "short", "password2": "other"})
    assert response.status_code == 400
    assert {"name", "password1", "password2"} <= set(response.context["form"].errors)
    assert not get_user_model().objects.filter(email="new@acme.test").exists()


def test_existing_user_must_sign_in_then_accepts(tenant, owner, outsider, client):
    _, url = _invite(tenant, owner, email="owner@globex.test", role="viewer")
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(outsider, backend=MODEL_BACKEND)
    assert client.post(url).status_code == 302
    assert Membership.objects.for_tenant(tenant).get(user=outsider).role == "viewer"


def test_signed_in_as_someone_else_is_refused(tenant, owner, outsider, member, client):
    _, url = _invite(tenant, owner, email="owner@globex.test")
    client.force_login(member, backend=MODEL_BACKEND)
    response = client.post(url)
    assert response.status_code == 400
    assert not Membership.objects.for_tenant(tenant).filter(user=outsider).exists()


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_unusable_links_answer_404(tenant, owner, client, state):
    invitation, url = _invite(tenant, owner)
    if state == "expired":
        Invitation.objects.for_tenant(tenant).update(expires_at=timezone.now() - timedelta(1))
    elif state == "revoked":
        Invitation.objects.for_tenant(tenant).update(revoked_at=timezone.now())
    else:
        url = "/invitations/not-a-real-token/"
    response = client.get(url)
    assert response.status_code == 404
    assert "cannot be used" in response.content.decode()


def test_reinviting_renews_the_same_invitation(tenant, owner, client):
    first, old_url = _invite(tenant, owner)
    second, new_url = _invite(tenant, owner, role="viewer")
    assert first.pk == second.pk and old_url != new_url
    assert Invitation.objects.for_tenant(tenant).get().role == "viewer"
    assert client.get(old_url).status_code == 404  # the renewed link replaced the old one
    assert client.get(new_url).status_code == 200


def test_a_renewed_link_stops_working_before_the_new_email_goes_out(tenant, owner, client):
    _, old_url = _invite(tenant, owner)
    invitation_create(tenant=tenant, email="new@acme.test", role="csm", invited_by=owner)
    assert client.get(old_url).status_code == 404  # renewed, not yet sent: no link works
    invitation = Invitation.objects.for_tenant(tenant).get()
    assert invitation.token_hash is None and invitation.sent_at is None


def test_the_link_is_valid_for_the_whole_period_from_the_email(tenant, owner, settings):
    invitation = invitation_create(
        tenant=tenant, email="new@acme.test", role="csm", invited_by=owner
    )
    Invitation.objects.for_tenant(tenant).update(expires_at=timezone.now() + timedelta(hours=1))
    from tenants.tasks import send_invitation  # sent a day late, say, after a broker outage

    assert send_invitation.apply(args=[tenant.pk, invitation.pk]).get() is True
    invitation.refresh_from_db()
    remaining = invitation.expires_at - invitation.sent_at
    assert remaining == timedelta(days=settings.INVITATION_VALID_DAYS)
    # Sending again (a duplicated message) issues no second link.
    assert send_invitation.apply(args=[tenant.pk, invitation.pk]).get() is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("email", ["o'brien@acme.test", "first!last@acme.test", "a&b=c@acme.test"])
def test_valid_addresses_with_unusual_characters_can_join_and_sign_in(tenant, owner, email):
    _, url = _invite(tenant, owner, email=email)
    client = Client()
    password = "a-long-passphrase"
    response = client.post(url, {"name": "Nina", "password1": password, "password2": password})
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(email=email)
    assert Membership.objects.for_tenant(tenant).filter(user=user).exists()
    client.logout()
    response = client.post("/login/", {"username": email, "password": password})
    assert response.status_code == 302
