"""Answers match what the OpenAPI schema promises about them."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts.services.accounts import account_upsert
from tests.conftest import session_api

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def components():
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def test_a_contact_without_email_has_null_as_the_schema_says(api, tenant, components):
    prop = components["Contact"]["properties"]["email"]
    assert prop["format"] == "email" and prop["nullable"] is True
    response = api.put("/api/v1/contacts/u-1/", {"name": "Peter"})
    assert response.status_code == 201 and response.json()["email"] is None
    assert api.get("/api/v1/contacts/u-1/").json()["email"] is None
    # null is accepted back, and an address still round-trips.
    response = api.put("/api/v1/contacts/u-1/", {"name": "Peter", "email": None})
    assert response.status_code == 200 and response.json()["email"] is None
    response = api.patch("/api/v1/contacts/u-1/", {"email": "p@initech.test"})
    assert response.json()["email"] == "p@initech.test"
    response = api.patch("/api/v1/contacts/u-1/", {"email": ""})
    assert response.status_code == 200 and response.json()["email"] is None


def test_a_note_written_with_a_key_has_a_null_author_email(api, tenant, owner, components):
    prop = components["Note"]["properties"]["author_email"]
    assert "author_email" in components["Note"]["required"] and prop["nullable"] is True
    account_upsert(tenant=tenant, external_id="A", name="Alpha")
    by_key = api.post("/api/v1/notes/", {"account_external_id": "A", "body": "Hi"}).json()
    assert "author_email" in by_key and by_key["author_email"] is None
    by_owner = session_api(owner).post("/api/v1/notes/", {"account_external_id": "A", "body": "Yo"})
    assert by_owner.json()["author_email"] == "owner@acme.test"
    listed = api.get("/api/v1/notes/").json()["results"]
    assert sorted(note["author_email"] or "" for note in listed) == ["", "owner@acme.test"]
