"""Login, logout, password change and reset, and brute-force protection (django-axes)."""

import pytest
from django.core import mail
from django.test import Client

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_login_and_logout(tenant, owner, client):
    page = client.get("/login/")
    assert page.status_code == 200 and "Sign in" in page.content.decode()
    response = client.post("/login/", {"username": "owner@acme.test", "password": "pass-word-123"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    logout = client.post("/logout/")
    assert logout.status_code == 302 and logout["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_wrong_password_shows_form_error(owner, client):
    response = client.post("/login/", {"username": "owner@acme.test", "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_failures_lock_out_even_the_right_password(owner, client):
    for _ in range(5):
        client.post("/login/", {"username": "owner@acme.test", "password": "wrong"})
    response = client.post("/login/", {"username": "owner@acme.test", "password": "pass-word-123"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get("/").status_code == 302  # still not signed in


def test_password_reset_sends_a_working_link(tenant, client):
    user = UserFactory(email="reset@acme.test")
    MembershipFactory(tenant=tenant, user=user)
    response = client.post("/password_reset/", {"email": "reset@acme.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase")


def test_password_change(owner_client, owner):
    response = owner_client.post(
        "/password_change/",
        {
            "old_password": "pass-word-123",
            "new_password1": "another-passphrase",
            "new_password2": "another-passphrase",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("another-passphrase")


def test_session_and_csrf_cookies_are_hardened(settings):
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.X_FRAME_OPTIONS == "DENY"


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_a_sign_in_name_too_long_is_a_form_error(tenant, owner, url):
    client = Client(raise_request_exception=False)
    response = client.post(url, {"username": "a" * 300 + "@acme.test", "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not response.wsgi_request.user.is_authenticated
