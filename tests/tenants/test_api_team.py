"""The accounts API: tenant, members and invitations, inside the caller's tenant only."""

import pytest
from django.core import mail

from tenants.api.throttling import TenantKeyRateThrottle
from tenants.models import Invitation, Membership
from tenants.services.invitations import invitation_create
from tests.conftest import session_api
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.outsider("tenant-current")
def test_tenant_endpoint_names_the_callers_tenant(owner, outsider):
    assert session_api(owner).get("/api/v1/tenant/").json()["slug"] == "acme"
    assert session_api(outsider).get("/api/v1/tenant/").json()["slug"] == "globex"


@pytest.mark.outsider("member-list", "member-detail")
def test_members_list_and_detail_are_tenant_bound(tenant, owner, member, outsider):
    client = session_api(owner)
    listed = client.get("/api/v1/members/").json()["results"]
    assert sorted(m["email"] for m in listed) == ["csm@acme.test", "owner@acme.test"]
    member_id = Membership.objects.for_tenant(tenant).get(user=member).pk
    assert client.get(f"/api/v1/members/{member_id}/").json()["role"] == "csm"
    outsider_client = session_api(outsider)
    assert outsider_client.get(f"/api/v1/members/{member_id}/").status_code == 404
    missing = outsider_client.get("/api/v1/members/999999/")
    assert missing.status_code == 404
    assert outsider_client.get(f"/api/v1/members/{member_id}/").json() == missing.json()


def test_members_list_query_count_is_constant(
    tenant, owner, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = session_api(owner)
    client.get("/api/v1/members/")  # warm: session and content types
    with django_assert_num_queries(4):  # session, user, memberships of user, page
        client.get("/api/v1/members/")
    MembershipFactory.create_batch(10, tenant=tenant)
    with django_assert_num_queries(4):
        response = client.get("/api/v1/members/")
    assert len(response.json()["results"]) == 11


def test_members_list_is_cursor_paginated(tenant, owner):
    MembershipFactory.create_batch(5, tenant=tenant)
    client = session_api(owner)
    first = client.get("/api/v1/members/?page_size=4").json()
    assert len(first["results"]) == 4 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    seen = {m["id"] for m in first["results"]} | {m["id"] for m in second["results"]}
    assert len(seen) == 6


@pytest.mark.outsider("invitation-list", "invitation-detail")
def test_invitations_create_list_revoke(
    tenant, owner, outsider, django_capture_on_commit_callbacks
):
    client = session_api(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/invitations/", {"email": "new@acme.test", "role": "viewer"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending" and body["sent_at"] is None  # sent after commit
    assert len(mail.outbox) == 1 and "new@acme.test" in mail.outbox[0].to
    invitation = Invitation.objects.for_tenant(tenant).get()
    assert invitation.sent_at is not None
    listed = client.get("/api/v1/invitations/").json()["results"]
    assert [i["email"] for i in listed] == ["new@acme.test"]

    outsider_client = session_api(outsider)
    assert outsider_client.get("/api/v1/invitations/").json()["results"] == []
    assert outsider_client.get(f"/api/v1/invitations/{invitation.pk}/").status_code == 404
    assert outsider_client.delete(f"/api/v1/invitations/{invitation.pk}/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None

    assert client.delete(f"/api/v1/invitations/{invitation.pk}/").status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert client.get("/api/v1/invitations/").json()["results"] == []


def test_invitation_bad_input_names_the_fields(owner):
    client = session_api(owner)
    response = client.post("/api/v1/invitations/", {"email": "not-an-email", "role": "owner"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"email", "role"}
    assert Invitation.objects.unscoped().count() == 0


def test_inviting_an_existing_member_is_a_field_error(owner, member):
    response = session_api(owner).post(
        "/api/v1/invitations/", {"email": "CSM@acme.test", "role": "csm"}
    )
    assert response.status_code == 400
    assert "already a member" in response.json()["error"]["fields"]["email"][0]


def test_unknown_field_type_and_malformed_json_answer_400(owner):
    client = session_api(owner)
    response = client.post(
        "/api/v1/invitations/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_viewer_write_is_forbidden_and_read_allowed(viewer):
    client = session_api(viewer)
    assert client.get("/api/v1/members/").status_code == 200
    response = client.post("/api/v1/invitations/", {"email": "x@acme.test", "role": "csm"})
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403


def test_csm_cannot_manage_invitations(member):
    response = session_api(member).post(
        "/api/v1/invitations/", {"email": "x@acme.test", "role": "csm"}
    )
    assert response.status_code == 403


def test_api_key_cannot_manage_invitations(api, tenant, owner):
    invitation = invitation_create(tenant=tenant, email="a@acme.test", role="csm", invited_by=owner)
    assert api.get("/api/v1/invitations/").status_code == 403
    assert api.delete(f"/api/v1/invitations/{invitation.pk}/").status_code == 403


def test_signed_in_user_without_tenant_is_refused(django_user_model):
    user = django_user_model.objects.create_user("lonely", "lonely@example.com", "pw-123456789")
    assert session_api(user).get("/api/v1/members/").status_code == 403


def test_throttling_is_per_key(api, outsider_api, monkeypatch):
    monkeypatch.setattr(TenantKeyRateThrottle, "THROTTLE_RATES", {"tenant_key": "3/minute"})
    statuses = [api.get("/api/v1/tenant/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = api.get("/api/v1/tenant/")
    assert throttled.json()["error"]["code"] == "throttled"
    assert "Retry-After" in throttled
    assert outsider_api.get("/api/v1/tenant/").status_code == 200
