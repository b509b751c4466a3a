"""Making portal links: POST /api/v1/onboarding/portal-links/ (by contact id or external id,
400 naming the field for anything wrong, nothing of another tenant), and "Copy portal link"
on the account's onboarding panel."""

import pytest
from django.test import Client

from accounts.models import Contact
from onboarding.models import PortalLink
from tenants.tenancy.context import tenant_scope
from tests.conftest import session_api

pytestmark = pytest.mark.django_db
URL = "/api/v1/onboarding/portal-links/"


def _links(tenant) -> int:
    with tenant_scope(tenant):
        return PortalLink.objects.count()


@pytest.mark.outsider("onboarding-portal-link-list")
def test_a_link_by_api_opens_the_portal(portal, api, outsider_api, settings):
    made = api.post(URL, {"contact_external_id": "c1", "days": 30}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["contact"] == portal.contact.pk and body["account_external_id"] == "a1"
    assert body["url"].startswith(settings.SITE_URL + "/p/") and body["expires_at"]
    assert Client().get(body["url"].removeprefix(settings.SITE_URL)).status_code == 200
    by_id = api.post(URL, {"contact": portal.other_contact.pk}, format="json")
    assert by_id.status_code == 201
    page = Client().get(by_id.json()["url"].removeprefix(settings.SITE_URL)).content.decode()
    assert "Hooli" in page and "Initech" not in page
    before = _links(portal.tenant)
    # Another tenant's key finds none of these contacts.
    for body in ({"contact_external_id": "c1"}, {"contact": portal.contact.pk}):
        refused = outsider_api.post(URL, body, format="json")
        assert refused.status_code == 400 and "No contact" in str(refused.json())
    assert _links(portal.tenant) == before


@pytest.mark.parametrize("body", [
    {}, {"contact": 1, "contact_external_id": "c1"}, {"contact_external_id": "nope"},
    {"contact": 0}, {"contact": "x"}, {"contact": 2**70}, {"contact_external_id": "c1", "days": 0},
    {"contact_external_id": "c1", "days": 366}, {"contact_external_id": "c1", "days": True},
    {"contact_external_id": "c1", "tenant": 1}, {"contact_external_id": "c1", "extra": 1},
    {"contact_external_id": "c\x001"}, {"contact_external_id": ["c1"]},
])  # fmt: skip
def test_bad_requests_answer_400_and_write_nothing(portal, api, body):
    before = _links(portal.tenant)
    refused = api.post(URL, body, format="json")
    assert refused.status_code == 400, refused.json()
    assert _links(portal.tenant) == before


def test_a_contact_without_an_account_and_a_viewer_are_refused(portal, api, viewer):
    with tenant_scope(portal.tenant):
        Contact.objects.create(external_id="lone", email="lone@x.test")
    refused = api.post(URL, {"contact_external_id": "lone"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"contact": ["This contact belongs to no account."]}
    assert session_api(viewer).post(URL, {"contact_external_id": "c1"}, format="json"
                                    ).status_code == 403  # fmt: skip


@pytest.mark.outsider("portal-link-create")
def test_copy_portal_link_on_the_panel(portal, member_client, outsider_client, viewer_client,
                                       settings):  # fmt: skip
    url = f"/accounts/{portal.account.pk}/onboarding/portal-link/"
    panel = member_client.get(f"/accounts/{portal.account.pk}/onboarding/").content.decode()
    assert "Copy portal link" in panel
    made = member_client.post(url, {"contact": portal.contact.pk}, HTTP_HX_REQUEST="true")
    html = made.content.decode()
    assert made.status_code == 200 and 'id="new-portal-link"' in html
    (link,) = [part for part in html.split('"') if part.startswith(settings.SITE_URL + "/p/")]
    assert Client().get(link.removeprefix(settings.SITE_URL)).status_code == 200
    before = _links(portal.tenant)
    # Another account's contact, garbage, an outsider, a viewer: nothing is made.
    assert member_client.post(url, {"contact": portal.other_contact.pk}).status_code == 404
    assert member_client.post(url, {"contact": "x"}).status_code == 404
    assert member_client.post(url, {"contact": "9" * 30}).status_code == 404
    assert outsider_client.post(url, {"contact": portal.contact.pk}).status_code == 404
    assert viewer_client.post(url, {"contact": portal.contact.pk}).status_code == 403
    assert _links(portal.tenant) == before
