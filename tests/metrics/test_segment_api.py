"""Segment's HTTP Tracking API at /v1/: Basic auth, identify/group/track/page/screen, batch."""

import base64
import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from accounts.models import Account, Contact
from accounts.services.accounts import account_upsert, contact_upsert
from metrics.models import UsageEvent
from tenants.services.api_keys import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_dates_accepted(settings):
    """These events carry fixed dates of the past: the acceptance window (EVENTS_MAX_AGE_DAYS)
    is widened here, and tested in test_event_storage.py."""
    settings.EVENTS_MAX_AGE_DAYS = 36500


def basic(raw_key: str, password: str = "") -> str:
    return "Basic " + base64.b64encode(f"{raw_key}:{password}".encode()).decode()


@pytest.fixture
def segment(api_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic(api_key[1]))
    return client


@pytest.fixture
def outsider_segment(other_tenant):
    _, raw = api_key_create(tenant=other_tenant, name="Outsider Segment")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic(raw))
    return client


def send(client, call, body, **extra):
    response = client.post(f"/v1/{call}", body, format="json", **extra)
    assert response.status_code == 200, response.content
    assert response.json() == {"success": True}
    return response


def events(tenant):
    return UsageEvent.objects.for_tenant(tenant)


def test_identify_creates_then_merges_a_contact(segment, tenant):
    traits = {"email": "ann@initech.test", "name": "Ann", "plan": "pro"}
    send(segment, "identify", {"userId": "u-1", "traits": traits})
    send(segment, "identify", {"userId": "u-1", "traits": {"seats": 3, "email": "not an email"}})
    contact = Contact.objects.for_tenant(tenant).get(external_id="u-1")
    assert (contact.email, contact.name) == ("ann@initech.test", "Ann")
    assert contact.traits == {"email": "not an email", "name": "Ann", "plan": "pro", "seats": 3}
    send(segment, "identify", {"anonymousId": "anon-7", "traits": {"firstName": "Bo"}})
    assert Contact.objects.for_tenant(tenant).get(external_id="anon-7").name == "Bo"


def test_identify_with_context_group_id_links_the_account(segment, tenant):
    account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    send(segment, "identify", {"userId": "u-1", "context": {"groupId": "acc-1"}})
    send(segment, "identify", {"userId": "u-2", "context": {"groupId": "acc-new"}})
    contacts = Contact.objects.for_tenant(tenant)
    assert contacts.get(external_id="u-1").account == account
    assert contacts.get(external_id="u-2").account.external_id == "acc-new"


def test_group_upserts_the_account_and_links_the_user(segment, tenant):
    traits = {"name": "Initech", "website": "https://www.initech.test/pricing", "plan": "pro"}
    send(segment, "group", {"userId": "u-1", "groupId": "acc-1", "traits": traits})
    send(segment, "group", {"userId": "u-2", "groupId": "acc-1", "traits": {"seats": 40}})
    account = Account.objects.for_tenant(tenant).get(external_id="acc-1")
    assert (account.name, account.domain) == ("Initech", "initech.test")
    assert account.traits == {**traits, "seats": 40}
    linked = Contact.objects.for_tenant(tenant).filter(account=account)
    assert sorted(linked.values_list("external_id", flat=True)) == ["u-1", "u-2"]
    send(segment, "group", {"userId": "u-3", "groupId": "acc-2", "traits": {"domain": "X.test"}})
    unnamed = Account.objects.for_tenant(tenant).get(external_id="acc-2")
    assert (unnamed.name, unnamed.domain) == ("acc-2", "x.test")


def test_track_page_screen_become_usage_events(segment, tenant):
    account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    contact, _ = contact_upsert(tenant=tenant, external_id="u-1", account=account)
    other, _ = account_upsert(tenant=tenant, external_id="acc-2", name="Umbrella")
    track = {"userId": "u-1", "event": "Report Exported", "properties": {"rows": 3}}
    send(segment, "track", {**track, "messageId": "t-1"})
    send(segment, "track", {**track, "messageId": "t-2", "context": {"groupId": "acc-2"}})
    send(segment, "page", {"userId": "u-1", "messageId": "p-1", "name": "Pricing"})
    send(segment, "page", {"userId": "u-1", "messageId": "p-2"})
    send(segment, "screen", {"anonymousId": "a-1", "messageId": "s-1"})
    rows = {
        e.message_id: (e.type, e.event, e.account_id, e.contact_id, e.properties)
        for e in events(tenant)
    }
    assert rows == {
        "t-1": ("track", "Report Exported", account.pk, contact.pk, {"rows": 3}),
        "t-2": ("track", "Report Exported", other.pk, contact.pk, {"rows": 3}),
        "p-1": ("page", "Pricing", account.pk, contact.pk, {}),
        "p-2": ("page", "Loaded a Page", account.pk, contact.pk, {}),
        "s-1": ("screen", "Loaded a Screen", None, None, {}),
    }


def test_batch_in_any_order_ends_attached_and_is_idempotent(segment, tenant):
    batch = {
        "batch": [
            {"type": "track", "userId": "u-1", "event": "Signed In", "messageId": "m-1"},
            {"type": "identify", "userId": "u-1", "traits": {"email": "ann@initech.test"}},
            {"type": "group", "userId": "u-1", "groupId": "acc-1", "traits": {"name": "Initech"}},
            {"type": "alias", "userId": "u-1", "previousId": "anon"},
            {"type": "page", "userId": "u-1", "name": "Home", "messageId": "m-2"},
            "not a message",
        ],
        "sentAt": datetime.now(UTC).isoformat(),
    }
    for _ in range(3):
        send(segment, "batch", batch)
    account = Account.objects.for_tenant(tenant).get(external_id="acc-1")
    contact = Contact.objects.for_tenant(tenant).get(external_id="u-1")
    assert contact.account == account and contact.email == "ann@initech.test"
    assert set(events(tenant).values_list("account_id", "contact_id")) == {(account.pk, contact.pk)}
    assert events(tenant).count() == 2


def test_batch_context_applies_to_each_message(segment, tenant):
    account, _ = account_upsert(tenant=tenant, external_id="acc-9", name="Initech")
    message = {"type": "track", "userId": "u-1", "event": "X", "messageId": "m-1"}
    send(segment, "batch", {"batch": [message], "context": {"groupId": "acc-9"}})
    assert events(tenant).get().account == account


def test_clock_skew_is_corrected_with_sent_at(segment, tenant):
    # The client's clock is 1 hour ahead: the call happened 10 s before it was sent.
    sent = datetime.now(UTC) + timedelta(hours=1)
    call = {"userId": "u-1", "event": "X", "timestamp": (sent - timedelta(seconds=10)).isoformat()}
    send(segment, "track", {**call, "messageId": "own", "sentAt": sent.isoformat()})
    batched = {**call, "type": "track", "messageId": "batch"}
    send(segment, "batch", {"batch": [batched], "sentAt": sent.isoformat()})
    send(segment, "track", {**call, "messageId": "none", "timestamp": "2025-01-31T09:30:00Z"})
    send(segment, "track", {"userId": "u-1", "event": "X", "messageId": "now"})
    stored = {e.message_id: e for e in events(tenant)}
    for name in ("own", "batch"):
        assert stored[name].timestamp == stored[name].received_at - timedelta(seconds=10)
    assert stored["none"].timestamp == datetime(2025, 1, 31, 9, 30, tzinfo=UTC)
    assert stored["now"].timestamp == stored["now"].received_at


def test_gzip_body(segment, tenant):
    body = {"batch": [{"type": "track", "userId": "u-1", "event": "X", "messageId": "g-1"}]}
    raw = gzip.compress(json.dumps(body).encode())
    response = segment.post(
        "/v1/batch", raw, content_type="application/json", HTTP_CONTENT_ENCODING="gzip"
    )
    assert response.json() == {"success": True}
    assert events(tenant).get().message_id == "g-1"


def test_unusable_messages_are_dropped_but_the_call_succeeds(segment, tenant):
    send(segment, "track", {"userId": "u-1", "messageId": "no-name"})
    send(segment, "track", {"event": "Nobody", "messageId": "no-user"})
    send(segment, "identify", {"traits": {"email": "x@y.test"}})
    send(segment, "group", {"userId": "u-1", "traits": {"name": "No id"}})
    assert events(tenant).count() == 0
    assert Contact.objects.for_tenant(tenant).count() == 0
    assert Account.objects.for_tenant(tenant).count() == 0


@pytest.mark.parametrize(
    "raw, status",
    [(b"{oops", 400), (b"[]", 400), (b'{"batch": {}}', 400), (b" " * (513 * 1024), 413)],
)
def test_bad_bodies(segment, raw, status):
    response = segment.post("/v1/batch", raw, content_type="application/json")
    assert response.status_code == status
    assert response.json()["error"]["status"] == status


def test_a_message_over_32_kb_is_a_413(segment, tenant):
    big = {"userId": "u-1", "traits": {"blob": "x" * 33_000}}
    assert segment.post("/v1/identify", big, format="json").status_code == 413
    track = {"userId": "u-1", "event": "X", "properties": {"blob": "x" * 33_000}}
    assert segment.post("/v1/track", track, format="json").status_code == 413
    assert Contact.objects.for_tenant(tenant).count() == 0 and events(tenant).count() == 0


@pytest.mark.parametrize(
    "header",
    [None, "Basic", "Basic !!!", basic("nodot"), basic("abcdefgh.wrong"), "Token abc"],
)
def test_authentication_failures_are_401(header, tenant):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post("/v1/track", {"userId": "u", "event": "X"}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert UsageEvent.objects.unscoped().count() == 0


def test_a_revoked_key_is_refused_and_bearer_works(api, api_key, tenant):
    send(api, "track", {"userId": "u-1", "event": "X", "messageId": "bearer"})
    api_key_revoke(tenant=tenant, api_key=api_key[0])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic(api_key[1]))
    assert client.post("/v1/track", {"userId": "u", "event": "X"}, format="json").status_code == 401
    assert events(tenant).count() == 1


@pytest.mark.outsider(
    "segment-batch",
    "segment-identify",
    "segment-group",
    "segment-track",
    "segment-page",
    "segment-screen",
)
def test_another_tenants_key_writes_to_its_own_tenant_only(
    segment, outsider_segment, tenant, other_tenant
):
    acme, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech", traits={"a": 1})
    ann, _ = contact_upsert(tenant=tenant, external_id="u-1", account=acme, email="ann@x.test")
    ctx = {"groupId": "acc-1"}
    for call, body in [
        ("identify", {"userId": "u-1", "traits": {"email": "evil@x.test"}, "context": ctx}),
        ("group", {"userId": "u-1", "groupId": "acc-1", "traits": {"name": "Hijacked"}}),
        ("track", {"userId": "u-1", "event": "X", "messageId": "m-1", "context": ctx}),
        ("page", {"userId": "u-1", "messageId": "m-2"}),
        ("screen", {"userId": "u-1", "messageId": "m-3"}),
        ("batch", {"batch": [{"type": "track", "userId": "u-1", "event": "Y", "messageId": "m"}]}),
    ]:
        send(outsider_segment, call, body)
    acme.refresh_from_db()
    ann.refresh_from_db()
    assert (acme.name, acme.traits, ann.email, ann.account_id) == (
        "Initech", {"a": 1}, "ann@x.test", acme.pk
    )  # fmt: skip
    assert events(tenant).count() == 0
    globex = Account.objects.for_tenant(other_tenant).get(external_id="acc-1")
    theirs = Contact.objects.for_tenant(other_tenant).get(external_id="u-1")
    assert globex.name == "Hijacked" and theirs.account == globex
    assert set(events(other_tenant).values_list("account_id", "contact_id")) == {
        (globex.pk, theirs.pk)
    }
    # Acme's own calls with the same message ids are not duplicates of the outsider's.
    send(segment, "track", {"userId": "u-1", "event": "X", "messageId": "m-1"})
    assert events(tenant).get().account_id == acme.pk
