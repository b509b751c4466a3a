"""Browser pages: overview, team, API keys, tenant switcher; outsiders get 404."""

import pytest
from django.core import mail

from tenants.models import Invitation, Membership, Role, TenantAPIKey
from tenants.services.api_keys import api_key_create
from tenants.services.invitations import invitation_create
from tests.conftest import MODEL_BACKEND
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_login(client):
    for url in ["/", "/settings/team/", "/settings/api-keys/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_user_without_tenant_sees_explanation(client, django_user_model):
    user = django_user_model.objects.create_user("x", "x@example.com", "pw-123456789")
    client.force_login(user, backend=MODEL_BACKEND)
    response = client.get("/")
    assert response.status_code == 403
    assert "not in any tenant" in response.content.decode()


@pytest.mark.outsider("team")
def test_team_page_lists_only_this_tenants_people(owner_client, member, outsider):
    content = owner_client.get("/settings/team/").content.decode()
    assert "csm@acme.test" in content and "owner@globex.test" not in content


def test_team_page_query_count_is_constant(tenant, owner, owner_client, django_assert_num_queries):
    owner_client.get("/settings/team/")
    with django_assert_num_queries(5):
        owner_client.get("/settings/team/")
    MembershipFactory.create_batch(5, tenant=tenant)
    for n in range(3):
        invitation_create(tenant=tenant, email=f"p{n}@acme.test", role="csm", invited_by=owner)
    with django_assert_num_queries(5):
        owner_client.get("/settings/team/")


def test_invite_from_team_page_sends_email(
    tenant, owner_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/settings/team/", {"email": "new@acme.test", "role": "csm"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/invitations/" in mail.outbox[0].body
    assert Invitation.objects.for_tenant(tenant).get().email == "new@acme.test"


def test_invite_bad_input_shows_form_errors(tenant, owner_client):
    response = owner_client.post("/settings/team/", {"email": "nope", "role": "owner"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"email", "role"}
    assert Invitation.objects.for_tenant(tenant).count() == 0


def test_viewer_can_read_team_but_not_invite(viewer_client, tenant):
    assert viewer_client.get("/settings/team/").status_code == 200
    response = viewer_client.post("/settings/team/", {"email": "a@acme.test", "role": "csm"})
    assert response.status_code == 403
    assert Invitation.objects.for_tenant(tenant).count() == 0


@pytest.mark.outsider("invitation-revoke")
def test_revoke_invitation_and_outsider_gets_404(tenant, owner, owner_client, outsider_client):
    invitation = invitation_create(tenant=tenant, email="a@acme.test", role="csm", invited_by=owner)
    assert (
        outsider_client.post(f"/settings/team/invitations/{invitation.pk}/revoke/").status_code
        == 404
    )
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_owner_revokes_invitation(tenant, owner, client):
    invitation = invitation_create(tenant=tenant, email="a@acme.test", role="csm", invited_by=owner)
    client.force_login(owner, backend=MODEL_BACKEND)
    assert client.post(f"/settings/team/invitations/{invitation.pk}/revoke/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


@pytest.mark.outsider("member-role", "member-remove")
def test_member_role_and_removal(tenant, owner, member, client, outsider):
    membership = Membership.objects.for_tenant(tenant).get(user=member)
    client.force_login(outsider, backend=MODEL_BACKEND)
    assert (
        client.post(f"/settings/team/members/{membership.pk}/role/", {"role": "viewer"}).status_code
        == 404
    )
    assert client.post(f"/settings/team/members/{membership.pk}/remove/").status_code == 404
    client.force_login(owner, backend=MODEL_BACKEND)
    client.post(f"/settings/team/members/{membership.pk}/role/", {"role": "viewer"})
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    client.post(f"/settings/team/members/{membership.pk}/remove/")
    assert not Membership.objects.for_tenant(tenant).filter(pk=membership.pk).exists()


def test_last_owner_cannot_be_removed(tenant, owner, client):
    membership = Membership.objects.for_tenant(tenant).get(user=owner)
    client.force_login(owner, backend=MODEL_BACKEND)
    response = client.post(f"/settings/team/members/{membership.pk}/remove/", follow=True)
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.for_tenant(tenant).filter(pk=membership.pk).exists()


@pytest.mark.outsider("api-keys")
def test_api_key_created_shown_once(tenant, owner_client, outsider):
    response = owner_client.post("/settings/api-keys/", {"name": "Segment"})
    assert response.status_code == 200
    raw = response.context["new_key"]["key"]
    key = TenantAPIKey.objects.for_tenant(tenant).get()
    assert key.is_valid(raw)
    listing = owner_client.get("/settings/api-keys/").content.decode()
    assert "Segment" in listing and raw not in listing


def test_api_key_name_required(tenant, owner_client):
    response = owner_client.post("/settings/api-keys/", {"name": "  "})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert TenantAPIKey.objects.for_tenant(tenant).count() == 0


def test_api_keys_page_is_for_managers_only(member_client, viewer_client):
    assert member_client.get("/settings/api-keys/").status_code == 403
    assert viewer_client.post("/settings/api-keys/", {"name": "x"}).status_code == 403


def test_api_keys_page_query_count_is_constant(tenant, owner_client, django_assert_num_queries):
    owner_client.get("/settings/api-keys/")
    with django_assert_num_queries(4):
        owner_client.get("/settings/api-keys/")
    for n in range(4):
        api_key_create(tenant=tenant, name=f"k{n}")
    with django_assert_num_queries(4):
        owner_client.get("/settings/api-keys/")


@pytest.mark.outsider("api-key-revoke")
def test_api_key_revoke_and_outsider_gets_404(tenant, owner, client, outsider):
    key, raw = api_key_create(tenant=tenant, name="CRM")
    client.force_login(outsider, backend=MODEL_BACKEND)
    assert client.post(f"/settings/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert not key.revoked
    client.force_login(owner, backend=MODEL_BACKEND)
    assert client.post(f"/settings/api-keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked and key.revoked_at is not None


@pytest.mark.outsider("tenant-switch")
def test_tenant_switcher(tenant, other_tenant, owner, outsider, client):
    MembershipFactory(tenant=other_tenant, user=owner, role=Role.VIEWER)
    client.force_login(owner, backend=MODEL_BACKEND)
    page = client.get("/").content.decode()
    assert 'name="tenant"' in page and "Globex" in page  # the switcher lists both
    response = client.post("/tenants/switch/", {"tenant": "globex", "next": "/settings/team/"})
    assert response.status_code == 302 and response["Location"] == "/settings/team/"
    assert client.get("/").context["current_tenant"] == other_tenant
    # A tenant the user is not in answers 404 and changes nothing.
    client.force_login(outsider, backend=MODEL_BACKEND)
    assert client.post("/tenants/switch/", {"tenant": "acme"}).status_code == 404
    assert client.get("/").context["current_tenant"] == other_tenant


def test_switch_ignores_offsite_next(tenant, other_tenant, owner, client):
    MembershipFactory(tenant=other_tenant, user=owner)
    client.force_login(owner, backend=MODEL_BACKEND)
    response = client.post(
        "/tenants/switch/", {"tenant": "globex", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_pages_load_htmx_from_our_static_files_with_csrf_header(owner_client):
    content = owner_client.get("/").content.decode()
    assert '<script src="/static/django_htmx/htmx.min.js"' in content
    assert 'hx-headers=\'{"X-CSRFToken":' in content
    assert "cdn" not in content.lower()
