"""Admin site: tenant staff see and edit only their tenant's rows; superusers see all."""

import pytest
from django.contrib import admin

from tenants.models import TenantAPIKey
from tenants.services.api_keys import api_key_create
from tenants.services.invitations import invitation_create
from tenants.tenancy.admin import TenantAdmin
from tenants.tenancy.models import TenantModel

pytestmark = pytest.mark.django_db


def test_every_tenant_model_in_the_admin_uses_tenant_admin():
    for model, model_admin in admin.site._registry.items():
        if issubclass(model, TenantModel):
            assert isinstance(model_admin, TenantAdmin), model


@pytest.mark.outsider("admin")
def test_staff_see_only_their_tenants_rows(tenant, other_tenant, owner, outsider, client):
    ours, _ = api_key_create(tenant=tenant, name="ours")
    theirs, _ = api_key_create(tenant=other_tenant, name="theirs")
    invitation = invitation_create(
        tenant=other_tenant, email="x@globex.test", role="csm", invited_by=outsider
    )
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get("/admin/tenants/tenantapikey/").content.decode()
    assert "ours" in listing and "theirs" not in listing
    assert client.get(f"/admin/tenants/tenantapikey/{ours.pk}/change/").status_code == 200
    # Another tenant's row behaves exactly like a row that does not exist.
    foreign = client.get(f"/admin/tenants/tenantapikey/{theirs.pk}/change/")
    missing = client.get("/admin/tenants/tenantapikey/nope.nope/change/")
    assert foreign.status_code == missing.status_code == 302
    assert foreign["Location"] == missing["Location"] == "/admin/"
    assert client.get(f"/admin/tenants/invitation/{invitation.pk}/change/").status_code == 302
    tenants = client.get("/admin/tenants/tenant/").content.decode()
    assert "Acme" in tenants and "Globex" not in tenants


def test_staff_admin_creates_key_in_own_tenant_and_sees_it_once(tenant, owner, client):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/admin/tenants/tenantapikey/add/", {"name": "From admin"}, follow=True)
    assert response.status_code == 200
    key = TenantAPIKey.objects.for_tenant(tenant).get()
    message = [str(m) for m in response.context["messages"]][0]
    raw = message.split(" is: ")[1].split(" ")[0]
    assert key.is_valid(raw)


def test_csm_and_viewer_have_no_admin_access(member, client):
    member.is_staff = True
    member.save()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/admin/tenants/tenantapikey/").status_code == 403


def test_superuser_sees_all_tenants(tenant, other_tenant, client, django_user_model):
    api_key_create(tenant=tenant, name="ours")
    api_key_create(tenant=other_tenant, name="theirs")
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456789")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get("/admin/tenants/tenantapikey/").content.decode()
    assert "ours" in listing and "theirs" in listing
