"""API key authentication: valid, revoked, expired, wrong tenant, missing, malformed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tenants.models import Membership, TenantAPIKey
from tenants.services.api_keys import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


def _client(header):
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    return client


def test_valid_key_acts_in_its_tenant_and_records_last_use(api, api_key, tenant):
    response = api.get("/api/v1/tenant/")
    assert response.status_code == 200
    assert response.json()["slug"] == tenant.slug
    key = TenantAPIKey.objects.unscoped().get(pk=api_key[0].pk)
    assert key.last_used_at is not None


def test_key_is_stored_hashed(api_key):
    key, raw = api_key
    stored = TenantAPIKey.objects.unscoped().get(pk=key.pk)
    assert raw not in stored.hashed_key and raw not in stored.pk
    assert stored.hashed_key.startswith("sha512$$")


def test_revoked_key_is_refused(api, api_key, tenant):
    api_key_revoke(tenant=tenant, api_key=api_key[0])
    response = api.get("/api/v1/tenant/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This API key has been revoked."


def test_expired_key_is_refused(api, api_key):
    TenantAPIKey.objects.unscoped().filter(pk=api_key[0].pk).update(
        expiry_date=timezone.now() - timedelta(minutes=1)
    )
    assert api.get("/api/v1/tenant/").status_code == 401


def test_key_of_another_tenant_sees_nothing_of_this_one(tenant, owner, outsider, outsider_api):
    response = outsider_api.get("/api/v1/members/")
    assert response.status_code == 200
    assert [m["email"] for m in response.json()["results"]] == ["owner@globex.test"]
    acme_member_id = Membership.objects.for_tenant(tenant).get(user=owner).pk
    assert outsider_api.get(f"/api/v1/members/{acme_member_id}/").status_code == 404
    assert outsider_api.get("/api/v1/tenant/").json()["slug"] == "globex"


@pytest.mark.parametrize(
    "header, message",
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer", "Malformed Authorization header; expected 'Bearer <key>'."),
        ("Bearer a b", "Malformed Authorization header; expected 'Bearer <key>'."),
        ("Bearer nodot", "Malformed API key."),
        ("Bearer abcdefgh.wrongsecret", "Invalid API key."),
    ],
)
def test_missing_or_malformed_header_is_refused(header, message):
    response = _client(header).get("/api/v1/tenant/")
    assert response.status_code == 401
    body = response.json()["error"]
    assert body["message"] == message
    assert body["status"] == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_right_prefix_wrong_secret_is_refused(api_key):
    prefix = api_key[1].split(".")[0]
    response = _client(f"Bearer {prefix}.not-the-secret").get("/api/v1/tenant/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid API key."


def test_keys_of_two_tenants_may_share_a_prefix(monkeypatch, tenant, other_tenant):
    """A prefix is unique within its tenant only: each key still finds its own tenant."""
    monkeypatch.setattr(TenantAPIKey.objects.key_generator, "get_prefix", lambda: "Shared01")
    _, acme_raw = api_key_create(tenant=tenant, name="Acme integration")
    _, globex_raw = api_key_create(tenant=other_tenant, name="Globex integration")
    assert acme_raw.split(".")[0] == globex_raw.split(".")[0] == "Shared01"
    for raw, slug in ((acme_raw, "acme"), (globex_raw, "globex")):
        response = _client(f"Bearer {raw}").get("/api/v1/tenant/")
        assert response.status_code == 200 and response.json()["slug"] == slug
    response = _client("Bearer Shared01.not-the-secret").get("/api/v1/tenant/")
    assert response.status_code == 401
