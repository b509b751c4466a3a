"""A form or htmx write sent from a page of tenant A after the user switched to tenant B in
another tab is refused with 409 and a clear message, and stored nowhere."""

import re

import pytest

from tenants.models import Invitation, Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tenant_client(tenant, other_tenant, owner, owner_client):
    MembershipFactory(tenant=other_tenant, user=owner, role=Role.OWNER)
    return owner_client


def _marker(html: str) -> str:
    return re.search(r'name="tenant_marker" value="(\d+)"', html).group(1)


def test_pages_carry_their_tenant_in_forms_and_htmx_headers(tenant, two_tenant_client):
    html = two_tenant_client.get("/settings/team/").content.decode()
    assert _marker(html) == str(tenant.pk)
    assert f'"X-Tenant": "{tenant.pk}"' in html


def test_a_form_from_the_old_tenants_tab_is_refused(tenant, other_tenant, two_tenant_client):
    old_tab = two_tenant_client.get("/settings/team/").content.decode()
    assert (
        two_tenant_client.post("/tenants/switch/", {"tenant": other_tenant.slug}).status_code == 302
    )
    response = two_tenant_client.post(
        "/settings/team/",
        {"email": "new@acme.test", "role": Role.CSM, "tenant_marker": _marker(old_tab)},
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Nothing was saved" in text and tenant.name in text and other_tenant.name in text
    assert not Invitation.objects.unscoped().filter(email="new@acme.test").exists()
    # The same form from a page of the active tenant goes through.
    fresh = two_tenant_client.get("/settings/team/").content.decode()
    ok = two_tenant_client.post(
        "/settings/team/",
        {"email": "new@acme.test", "role": Role.CSM, "tenant_marker": _marker(fresh)},
    )
    assert ok.status_code == 302
    assert Invitation.objects.for_tenant(other_tenant).filter(email="new@acme.test").exists()


def test_an_htmx_write_from_the_old_tenants_tab_is_refused(tenant, other_tenant, two_tenant_client):
    two_tenant_client.post("/tenants/switch/", {"tenant": other_tenant.slug})
    response = two_tenant_client.post(
        "/settings/team/",
        {"email": "htmx@acme.test", "role": Role.CSM},
        HTTP_HX_REQUEST="true",
        HTTP_X_TENANT=str(tenant.pk),
    )
    assert response.status_code == 409
    assert not Invitation.objects.unscoped().filter(email="htmx@acme.test").exists()
