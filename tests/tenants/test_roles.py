"""Role rules: only owners grant or take ownership; a tenant keeps an owner; the admin site
shows memberships, invitations and keys to tenant staff without letting them bypass these."""

import pytest

from tenants.models import Membership, Role, TenantAPIKey
from tenants.services.api_keys import api_key_create
from tests.conftest import MODEL_BACKEND
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(tenant):
    user = UserFactory(email="admin@acme.test", is_staff=True)
    MembershipFactory(tenant=tenant, user=user, role=Role.ADMIN)
    return user


def _role(tenant, user):
    return Membership.objects.for_tenant(tenant).get(user=user).role


def test_admin_cannot_make_anyone_owner_or_demote_the_owner(
    client, tenant, owner, admin_user, member
):
    client.force_login(admin_user, backend=MODEL_BACKEND)
    own = Membership.objects.for_tenant(tenant).get(user=admin_user)
    response = client.post(f"/settings/team/members/{own.pk}/role/", {"role": "owner"}, follow=True)
    assert "Only an owner" in response.content.decode()
    the_owner = Membership.objects.for_tenant(tenant).get(user=owner)
    client.post(f"/settings/team/members/{the_owner.pk}/role/", {"role": "viewer"})
    assert _role(tenant, admin_user) == Role.ADMIN and _role(tenant, owner) == Role.OWNER
    csm = Membership.objects.for_tenant(tenant).get(user=member)
    client.post(f"/settings/team/members/{csm.pk}/role/", {"role": "admin"})
    assert _role(tenant, member) == Role.ADMIN


def test_owner_grants_ownership_and_the_last_owner_stays(client, tenant, owner, member):
    client.force_login(owner, backend=MODEL_BACKEND)
    own = Membership.objects.for_tenant(tenant).get(user=owner)
    response = client.post(f"/settings/team/members/{own.pk}/role/", {"role": "admin"}, follow=True)
    assert "at least one owner" in response.content.decode()
    csm = Membership.objects.for_tenant(tenant).get(user=member)
    client.post(f"/settings/team/members/{csm.pk}/role/", {"role": "owner"})
    assert _role(tenant, member) == Role.OWNER
    client.post(f"/settings/team/members/{own.pk}/role/", {"role": "admin"})
    assert _role(tenant, owner) == Role.ADMIN


def test_staff_cannot_change_memberships_invitations_or_keys_in_admin(
    client, tenant, admin_user, outsider
):
    client.force_login(admin_user, backend=MODEL_BACKEND)
    own = Membership.objects.for_tenant(tenant).get(user=admin_user)
    assert client.get("/admin/tenants/membership/").status_code == 200
    change = client.post(
        f"/admin/tenants/membership/{own.pk}/change/", {"user": outsider.pk, "role": "owner"}
    )
    assert change.status_code == 403
    add = client.post("/admin/tenants/membership/add/", {"user": outsider.pk, "role": "csm"})
    assert add.status_code == 403
    assert _role(tenant, admin_user) == Role.ADMIN
    assert not Membership.objects.for_tenant(tenant).filter(user=outsider).exists()


def test_revoked_key_stays_revoked_in_admin(client, tenant, admin_user):
    key, _ = api_key_create(tenant=tenant, name="CRM")
    client.force_login(admin_user, backend=MODEL_BACKEND)
    response = client.post(
        "/admin/tenants/tenantapikey/",
        {"action": "revoke_keys", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked
    client.post(f"/admin/tenants/tenantapikey/{key.pk}/change/", {"name": "CRM", "revoked": ""})
    assert TenantAPIKey.objects.for_tenant(tenant).get().revoked
