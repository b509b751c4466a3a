"""Every response carries the Content-Security-Policy (no inline script or style, no eval)
and the other security headers."""

import pytest

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("url", ["/", "/settings/api-keys/", "/metrics/", "/api/docs/"])
def test_pages_carry_a_strict_content_security_policy(owner_client, url):
    response = owner_client.get(url)
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    policy = _directives(header)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.parametrize("url", ["/login/", "/", "/healthz", "/api/v1/accounts/"])
def test_security_headers(client, owner, url):
    response = client.get(url)
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions
    assert "Content-Security-Policy" in response


def test_swagger_ui_starts_from_a_script_file(owner_client):
    html = owner_client.get("/api/docs/").content.decode()
    assert "<script src=" in html
    script = owner_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
