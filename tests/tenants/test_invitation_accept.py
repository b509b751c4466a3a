"""Accepting an invitation link: new users sign up, existing users sign in; bad links 404."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tenants.models import Invitation, Membership
from tenants.services.invitations import invitation_create
from tests.conftest import MODEL_BACKEND

pytestmark = pytest.mark.django_db


def _invite(tenant, owner, email="new@acme.test", role="csm"):
    invitation, token = invitation_create(tenant=tenant, email=email, role=role, invited_by=owner)
    return invitation, f"/invitations/{token}/"


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


def test_reinviting_renews_the_same_invitation(tenant, owner):
    first, old_url = _invite(tenant, owner)
    second, new_url = _invite(tenant, owner, role="viewer")
    assert first.pk == second.pk and old_url != new_url
    assert Invitation.objects.for_tenant(tenant).get().role == "viewer"


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
