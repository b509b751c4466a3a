"""Inputs that once slipped past validation: each answers 4xx and writes nothing."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Account, Contact
from accounts.services.accounts import account_upsert
from tests.conftest import MODEL_BACKEND

pytestmark = pytest.mark.django_db


def test_segment_endpoint_ignores_a_session_cookie(tenant, member):
    # Without a key the browser session must not act: it carries no CSRF check there.
    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend=MODEL_BACKEND)
    response = client.post(
        "/v1/identify", data=json.dumps({"userId": "u-1"}), content_type="text/plain"
    )
    assert response.status_code in (401, 403)
    assert Contact.objects.for_tenant(tenant).count() == 0


def test_session_writes_to_the_api_need_csrf(tenant, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend=MODEL_BACKEND)
    response = client.post(
        "/api/v1/accounts/", {"external_id": "a", "name": "A"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Account.objects.for_tenant(tenant).count() == 0


def test_patch_cannot_change_the_key_of_a_row(api, tenant):
    account_upsert(tenant=tenant, external_id="A", name="Alpha")
    account_upsert(tenant=tenant, external_id="B", name="Beta")
    response = api.patch("/api/v1/accounts/A/", {"external_id": "B", "segment": "moved"})
    assert response.status_code == 400 and "external_id" in response.json()["error"]["fields"]
    response = api.patch("/api/v1/accounts/A/", {"external_id": "C"})
    assert response.status_code == 400
    assert sorted(Account.objects.for_tenant(tenant).values_list("external_id", "segment")) == [
        ("A", ""),
        ("B", ""),
    ]


@pytest.mark.parametrize(
    "method, url, body",
    [
        ("post", "/api/v1/accounts/", {"external_id": "nul\u0000", "name": "X"}),
        ("put", "/api/v1/accounts/nul%00/", {"name": "X"}),
        ("put", "/api/v1/accounts/x/", [1, 2]),
        ("post", "/api/v1/accounts/", [1, 2]),
        ("post", "/api/v1/accounts/", {"external_id": "x", "name": "X", "owner_email": ["a"]}),
        ("post", "/api/v1/contacts/", {"external_id": "x", "account_external_id": ["a"]}),
        ("post", "/api/v1/features/", {"event_name": "e\u0000", "feature": "f"}),
    ],
)
def test_malformed_values_answer_400(api, tenant, method, url, body):
    response = getattr(api, method)(url, body, format="json")
    assert response.status_code in (400, 404), response.content
    assert Account.objects.for_tenant(tenant).count() == 0


@pytest.mark.parametrize("header", [" ", "Bearer ab\u0000c.def", "Bearer " + "x" * 300 + ".y"])
def test_odd_authorization_headers_answer_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/accounts/").status_code in (401, 403)


@pytest.mark.parametrize("query", ["owner=%C2%B2", "q=%00", "segment=%00", "owner=abc"])
def test_customer_list_odd_parameters(owner_client, tenant, query):
    account_upsert(tenant=tenant, external_id="A", name="Alpha")
    # The portfolio's filters answer odd values with a message naming the filter, not a 500.
    response = owner_client.get(f"/accounts/?{query}")
    assert response.status_code == 400
    assert response.context["form"].errors


@pytest.mark.parametrize(
    "message",
    [
        {"timestamp": "2026-01-01T10:00:00+05:30:15.5"},
        {"timestamp": "0001-01-01T00:00:00Z", "sentAt": "9999-12-31T23:59:59Z"},
        {"timestamp": "9999-12-31T23:59:59Z", "sentAt": "0001-01-01T00:00:00Z"},
    ],
)
def test_segment_track_odd_clocks_never_fail_the_request(tenant, api_key, message):
    import base64

    client = APIClient()
    token = base64.b64encode(f"{api_key[1]}:".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    body = {"type": "track", "userId": "u", "event": "E", "messageId": "m-1", **message}
    response = client.post("/v1/track", body, format="json")
    assert response.status_code < 500


def test_segment_identify_long_traits_are_dropped_not_fatal(tenant, api_key):
    import base64

    client = APIClient()
    token = base64.b64encode(f"{api_key[1]}:".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    email = "a" * 243 + "@example.com"  # 255 characters: valid, but longer than the column
    traits = {"email": email, "website": "http://[oops", "domain": "İ" * 200}
    assert (
        client.post("/v1/identify", {"userId": "u", "traits": traits}, format="json").status_code
        == 200
    )
    assert (
        client.post(
            "/v1/group", {"userId": "u", "groupId": "g", "traits": traits}, format="json"
        ).status_code
        == 200
    )
    assert Contact.objects.for_tenant(tenant).get(external_id="u").email == ""


def test_invitation_email_too_long_is_a_form_error(owner_client, tenant):
    email = "a" * 150 + "@example.com"
    response = owner_client.post("/settings/team/", {"email": email, "role": "csm"})
    assert response.status_code == 400 and "email" in response.context["form"].errors
