"""Crafted input from outside the product: each answers 400 in the JSON error format."""

import base64

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services.accounts import account_upsert, contact_upsert
from accounts.services.nps import nps_response_record
from csplatform.api_router import router
from tests.conftest import session_api

pytestmark = pytest.mark.django_db


def _assert_invalid(response, field):
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/accounts/?updated_since=9999-12-31T23:59:59-01:00", "updated_since"),
        ("/api/v1/accounts/?updated_since=2026-01-01T00:00:00%2B24:00", "updated_since"),
        ("/api/v1/nps-responses/?answered_before=0001-01-01T00:00:00%2B01:00", "answered_before"),
        ("/api/v1/nps-responses/?answered_after=9999-12-31T23:00:00-02:00", "answered_after"),
    ],
)
def test_times_that_leave_the_calendar_are_input_errors(api, tenant, url, field):
    _assert_invalid(api.get(url), field)


@pytest.mark.parametrize(
    "url",
    [
        # Valid ISO 8601 offsets that PostgreSQL itself would refuse (it stops at ±15:59).
        "/api/v1/accounts/?updated_since=2000-01-01T00:00:00-23:59",
        "/api/v1/accounts/?updated_since=2000-01-01T00:00:00%2B16:00",
        "/api/v1/contacts/?updated_since=2000-01-01T00:00:00%2B20:30",
        "/api/v1/nps-responses/?answered_after=2000-01-01T00:00:00%2B18:00",
        "/api/v1/nps-responses/?answered_before=2100-01-01T00:00:00-22:00",
    ],
)
def test_far_offsets_filter_by_the_same_instant(api, tenant, url):
    account = account_upsert(tenant=tenant, external_id="A", name="Alpha")[0]
    contact = contact_upsert(tenant=tenant, external_id="C", account=account)[0]
    nps_response_record(tenant=tenant, contact=contact, score=9, answered_at=timezone.now())
    response = api.get(url)
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == 1


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


FORGED_CURSORS = [
    "not base64!",
    _cursor("p=foo"),
    _cursor("p=1.5"),
    _cursor("p=99999999999999999999999"),
    _cursor("p=-99999999999999999999999&r=1"),
    _cursor("p=1\x00"),
    _cursor("o=abc"),
    _cursor("r=x"),
]


def _list_urls():
    return sorted(
        {
            # The public help center API names its tenant in the address (the `tenant`
            # fixture's slug); every other list is the caller's tenant's.
            reverse(url.name, kwargs=_tenant_kwargs(url))
            for url in router.urls
            if url.name
            and url.name.endswith("-list")
            and not url.pattern.converters
            and set(url.pattern.regex.groupindex) <= {"tenant_slug"}
            # A create-only endpoint (portal links) lists nothing: no cursor to forge.
            and getattr(url.callback, "actions", {}).get("get") == "list"
        }
    )


def _tenant_kwargs(url) -> dict:
    return {"tenant_slug": "acme"} if "tenant_slug" in url.pattern.regex.groupindex else {}


def test_every_list_endpoint_is_covered():
    assert "/api/v1/accounts/" in _list_urls() and len(_list_urls()) >= 10


@pytest.mark.parametrize("url", _list_urls())
@pytest.mark.parametrize("cursor", FORGED_CURSORS)
def test_a_forged_cursor_is_an_input_error_on_every_list(tenant, owner, url, cursor):
    account_upsert(tenant=tenant, external_id="A", name="Alpha")
    response = session_api(owner).get(url, {"cursor": cursor})
    _assert_invalid(response, "cursor")


def test_a_real_cursor_still_pages(api, tenant):
    for n in range(3):
        account_upsert(tenant=tenant, external_id=f"A{n}", name=f"Alpha {n}")
    first = api.get("/api/v1/accounts/?page_size=2").json()
    second = api.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1


@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_nps_answer_cannot_take_another_answers_external_id(api, tenant, method):
    account = account_upsert(tenant=tenant, external_id="A", name="Alpha")[0]
    contact = contact_upsert(tenant=tenant, external_id="C", account=account)[0]
    now = timezone.now()
    first, _ = nps_response_record(
        tenant=tenant, external_id="one", contact=contact, score=9, answered_at=now
    )
    nps_response_record(tenant=tenant, external_id="two", contact=contact, score=3, answered_at=now)
    body = {"external_id": "two", "score": 5}
    if method == "put":
        body.update(contact_external_id="C", answered_at=now.isoformat())
    response = getattr(api, method)(f"/api/v1/nps-responses/{first.pk}/", body)
    _assert_invalid(response, "external_id")
    first.refresh_from_db()
    assert (first.external_id, first.score) == ("one", 9)


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def test_traits_nested_up_to_the_limit_are_stored(api, tenant):
    body = '{"name": "X", "traits": ' + _nested(20) + "}"
    response = api.put("/api/v1/accounts/X/", body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]


@pytest.mark.parametrize("depth", [21, 200, 990, 5_000, 100_000])
@pytest.mark.parametrize("resource", ["accounts", "contacts"])
def test_deeply_nested_traits_are_refused(api, tenant, resource, depth):
    body = '{"external_id": "X", "name": "X", "traits": ' + _nested(depth) + "}"
    response = api.post(f"/api/v1/{resource}/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["status"] == 400
    assert not api.get(f"/api/v1/{resource}/").json()["results"]
