"""NPS answers by API: validation, upsert by external id, latest answer on the contact."""

import pytest

from accounts.models import NpsResponse
from accounts.services.accounts import account_upsert, contact_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(tenant):
    account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    contact, _ = contact_upsert(tenant=tenant, external_id="u-1", account=account)
    return contact


def _answer(api, **fields):
    payload = {
        "contact_external_id": "u-1",
        "score": 9,
        "answered_at": "2026-10-01T10:00:00Z",
        **fields,
    }
    return api.post("/api/v1/nps-responses/", payload, format="json")


@pytest.mark.outsider("nps-response-list", "nps-response-detail")
def test_answer_recorded_with_contacts_account_and_outsider(api, outsider_api, tenant, contact):
    response = _answer(api, comment="Love it")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["account_external_id"] == "acc-1" and body["category"] == "promoter"
    assert outsider_api.get(f"/api/v1/nps-responses/{body['id']}/").status_code == 404
    assert outsider_api.get("/api/v1/nps-responses/").json()["results"] == []
    assert outsider_api.delete(f"/api/v1/nps-responses/{body['id']}/").status_code == 404


def test_latest_answer_shows_on_the_contact(api, tenant, contact):
    _answer(api, score=3, answered_at="2026-09-01T10:00:00Z")
    _answer(api, score=8, answered_at="2026-10-01T10:00:00Z", comment="Better")
    latest = api.get("/api/v1/contacts/u-1/").json()["latest_nps"]
    assert latest["score"] == 8 and latest["comment"] == "Better"


def test_external_id_makes_resending_safe(api, tenant, contact):
    assert _answer(api, external_id="survey-1-u-1").status_code == 201
    again = _answer(api, external_id="survey-1-u-1", score=10)
    assert again.status_code == 200
    assert NpsResponse.objects.for_tenant(tenant).get().score == 10


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"score": 11}, "score"),
        ({"score": -1}, "score"),
        ({"score": "nine"}, "score"),
        ({"answered_at": "2999-01-01T00:00:00Z"}, "answered_at"),
        ({"answered_at": "yesterday"}, "answered_at"),
        ({"contact_external_id": "ghost"}, "contact_external_id"),
        ({"mood": "happy"}, "mood"),
    ],
)
def test_bad_input_names_the_field(api, tenant, contact, fields, field):
    response = _answer(api, **fields)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert NpsResponse.objects.for_tenant(tenant).count() == 0


def test_list_query_count_is_constant(api, tenant, contact, django_assert_num_queries):
    _answer(api)
    api.get("/api/v1/nps-responses/")
    with django_assert_num_queries(2):
        api.get("/api/v1/nps-responses/")
    for n in range(6):
        _answer(api, score=n)
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/nps-responses/").json()["results"]) == 7


def test_put_and_patch_change_the_answer_in_the_url(api, tenant, contact):
    answer_id = _answer(api, score=5).json()["id"]
    patched = api.patch(f"/api/v1/nps-responses/{answer_id}/", {"score": 9})
    assert patched.status_code == 200 and patched.json()["id"] == answer_id
    put = api.put(
        f"/api/v1/nps-responses/{answer_id}/",
        {"contact_external_id": "u-1", "score": 7, "answered_at": "2026-10-02T10:00:00Z"},
        format="json",
    )
    assert put.status_code == 200
    assert list(NpsResponse.objects.for_tenant(tenant).values_list("id", "score")) == [
        (answer_id, 7)
    ]
