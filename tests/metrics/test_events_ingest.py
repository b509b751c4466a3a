"""POST /api/v1/events/batch/: per-event results, attribution, idempotency, constant SQL."""

import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, Contact
from accounts.services.accounts import account_upsert, contact_upsert
from metrics.ingestion.events import events_ingest
from metrics.ingestion.validation import UNSTORABLE
from metrics.models import EventReceipt, UsageEvent
from tests.conftest import session_api

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_dates_accepted(settings):
    """These events carry fixed dates of the past: the acceptance window (EVENTS_MAX_AGE_DAYS)
    is widened here, and tested in test_event_storage.py."""
    settings.EVENTS_MAX_AGE_DAYS = 36500


URL = "/api/v1/events/batch/"
NOT_ISO = "Use an ISO 8601 date-time, e.g. 2025-01-31T09:30:00Z."
NO_ID = "Give account_external_id, contact_external_id or both."
NUL = "Null characters are not allowed."


def event(n=0, **fields):
    base = {
        "message_id": f"m-{n}",
        "event": "Report Exported",
        "timestamp": "2025-01-31T09:30:00Z",
        "account_external_id": "acc-1",
        "properties": {"format": "csv"},
    }
    return {k: v for k, v in {**base, **fields}.items() if v is not None}


def post(api, events, **extra):
    return api.post(URL, {"events": events}, format="json", **extra)


def stored(tenant):
    return UsageEvent.objects.for_tenant(tenant)


def test_valid_events_are_stored_with_per_event_results(api, tenant):
    response = post(
        api,
        [
            event(1),
            event(2, type="page", event="Dashboard", properties=None),
            event(3, timestamp="yesterday"),
        ],
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (2, 0, 1)
    assert [r["status"] for r in body["results"]] == ["accepted", "accepted", "rejected"]
    assert body["results"][2] == {
        "index": 2,
        "message_id": "m-3",
        "status": "rejected",
        "errors": {"timestamp": [NOT_ISO]},
    }
    page = stored(tenant).get(message_id="m-2")
    assert (page.type, page.event, page.properties) == ("page", "Dashboard", {})
    report = stored(tenant).get(message_id="m-1")
    assert report.timestamp == datetime(2025, 1, 31, 9, 30, tzinfo=UTC)
    assert report.properties == {"format": "csv"} and report.account_external_id == "acc-1"
    assert EventReceipt.objects.for_tenant(tenant).count() == 2


def test_timestamps_keep_their_offset_and_naive_means_utc(api, tenant):
    post(
        api,
        [
            event(1, timestamp="2025-01-31T10:30:00.250+01:00"),
            event(2, timestamp="2025-01-31T09:30:00"),
            event(3, timestamp="2025-01-31"),
        ],
    )
    times = dict(stored(tenant).values_list("message_id", "timestamp"))
    assert times["m-1"] == datetime(2025, 1, 31, 9, 30, 0, 250000, tzinfo=UTC)
    assert times["m-2"] == datetime(2025, 1, 31, 9, 30, tzinfo=UTC)
    assert times["m-3"] == datetime(2025, 1, 31, tzinfo=UTC)


def test_known_accounts_and_contacts_are_resolved_in_the_same_statement(api, tenant):
    account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    other, _ = account_upsert(tenant=tenant, external_id="acc-2", name="Umbrella")
    contact, _ = contact_upsert(tenant=tenant, external_id="u-1", account=account)
    post(
        api,
        [
            event(1),  # account only
            event(2, account_external_id=None, contact_external_id="u-1"),  # contact only
            event(3, account_external_id="acc-2", contact_external_id="u-1"),  # both named
        ],
    )
    rows = {e.message_id: (e.account_id, e.contact_id) for e in stored(tenant)}
    assert rows == {
        "m-1": (account.pk, None),
        "m-2": (account.pk, contact.pk),
        "m-3": (other.pk, contact.pk),
    }


def test_events_sent_before_their_account_and_contact_are_attached_later(api, tenant):
    post(
        api,
        [
            event(1, account_external_id="acc-new"),
            event(2, account_external_id=None, contact_external_id="u-new"),
        ],
    )
    assert list(stored(tenant).values_list("account_id", "contact_id")) == [(None, None)] * 2
    account, _ = account_upsert(tenant=tenant, external_id="acc-new", name="Late Inc")
    assert stored(tenant).get(message_id="m-1").account_id == account.pk
    contact, _ = contact_upsert(tenant=tenant, external_id="u-new", account=account)
    late = stored(tenant).get(message_id="m-2")
    assert (late.account_id, late.contact_id) == (account.pk, contact.pk)


def test_duplicates_within_a_batch_and_across_batches(api, tenant):
    first = post(api, [event(1), event(2), event(1, event="Changed")])
    assert [r["status"] for r in first.json()["results"]] == ["accepted", "accepted", "duplicate"]
    assert stored(tenant).get(message_id="m-1").event == "Report Exported"
    second = post(api, [event(2), event(3)]).json()
    assert (second["accepted"], second["duplicates"]) == (1, 1)
    assert second["results"][0] == {"index": 0, "message_id": "m-2", "status": "duplicate"}


def test_a_rejected_copy_does_not_hide_a_later_valid_one(api, tenant):
    body = post(api, [event(1, timestamp="bad"), event(1)]).json()
    assert [r["status"] for r in body["results"]] == ["rejected", "accepted"]


def test_replaying_a_batch_three_times_changes_no_counts(api, tenant):
    batch = [event(n, account_external_id=f"acc-{n % 3}") for n in range(50)]
    assert post(api, batch).json()["accepted"] == 50
    for _ in range(3):
        body = post(api, batch).json()
        assert (body["accepted"], body["duplicates"], body["rejected"]) == (0, 50, 0)
    assert stored(tenant).count() == 50
    assert EventReceipt.objects.for_tenant(tenant).count() == 50


def _events(count, prefix):
    return [
        event(f"{prefix}-{n}", account_external_id=f"acc-{n % 7}", contact_external_id=f"u-{n}")
        for n in range(count)
    ]


def test_one_statement_per_batch_whatever_its_size(tenant, django_assert_num_queries):
    account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    now = timezone.now()
    for size in (1, 500):
        with django_assert_num_queries(1):
            result = events_ingest(tenant=tenant, events=_events(size, size), received_at=now)
        assert result.accepted == size
    with django_assert_num_queries(0):  # nothing valid: no SQL at all
        events_ingest(tenant=tenant, events=[{}], received_at=now)


def test_request_query_count_is_the_same_for_1_and_500_events(api, tenant):
    post(api, _events(1, "warm"))  # the key's last-use stamp is written once a minute
    counts = []
    for size in (1, 500):
        with CaptureQueriesContext(connection) as queries:
            response = post(api, _events(size, f"s{size}"))
        assert response.json()["accepted"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 2, counts


@pytest.mark.parametrize(
    "fields, errors",
    [
        ({"message_id": None}, {"message_id": ["This field is required."]}),
        ({"message_id": 12}, {"message_id": ["Expected a string."]}),
        ({"event": ""}, {"event": ["This field is required."]}),
        ({"event": "x" * 201}, {"event": ["Use at most 200 characters."]}),
        ({"timestamp": None}, {"timestamp": ["This field is required."]}),
        ({"timestamp": 1738315800}, {"timestamp": [NOT_ISO]}),
        ({"account_external_id": None}, {"account_external_id": [NO_ID]}),
        ({"account_external_id": ["a"]}, {"account_external_id": ["Expected a string."]}),
        ({"properties": [1, 2]}, {"properties": ["Expected an object."]}),
        ({"type": "identify"}, {"type": ["Use one of: page, screen, track."]}),
        ({"type": ["track"]}, {"type": ["Use one of: page, screen, track."]}),
        ({"colour": "red"}, {"colour": ["Unknown field."]}),
        ({"properties": {"a": "nul\u0000"}}, {"non_field_errors": [NUL]}),
    ],
)
def test_bad_events_are_rejected_one_by_one(api, tenant, fields, errors):
    response = post(api, [event(1, **fields), event(2)])
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["status"] == "rejected"
    assert results[0]["errors"] == errors
    assert results[1]["status"] == "accepted"
    assert list(stored(tenant).values_list("message_id", flat=True)) == ["m-2"]


def test_timestamps_more_than_a_day_ahead_are_rejected(api, tenant):
    soon = (timezone.now() + timedelta(hours=23)).isoformat()
    later = (timezone.now() + timedelta(days=1, minutes=5)).isoformat()
    results = post(api, [event(1, timestamp=soon), event(2, timestamp=later)]).json()["results"]
    assert results[0]["status"] == "accepted"
    assert results[1]["errors"] == {
        "timestamp": ["The timestamp is more than 1 day in the future."]
    }


def test_events_that_are_not_objects_are_rejected(api, tenant):
    body = post(api, ["m-1", None, event(3)]).json()
    assert [r["status"] for r in body["results"]] == ["rejected", "rejected", "accepted"]
    assert body["results"][0]["errors"] == {"non_field_errors": ["Expected an object."]}
    assert body["results"][0]["message_id"] is None


def test_text_postgres_cannot_store_is_rejected_not_a_500(api, tenant):
    raw = b'{"events": [%s, %s]}' % (
        json.dumps(event(1, properties={"k": "x"})).replace('"x"', '"\\ud800"').encode(),
        json.dumps(event(2)).encode(),
    )
    response = api.post(URL, raw, content_type="application/json")
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["errors"] == {"non_field_errors": [UNSTORABLE]}
    huge = json.dumps(event(9, properties={"n": 0})).replace('"n": 0', '"n": 1e400').encode()
    response = api.post(URL, b'{"events": [%s]}' % huge, content_type="application/json")
    assert response.json()["results"][0]["errors"] == {"non_field_errors": [UNSTORABLE]}
    # A literal backslash-u0000 text (escaped backslash) is fine.
    ok = post(api, [event(3, properties={"path": "C:\\u0000"})]).json()
    assert ok["accepted"] == 1


@pytest.mark.parametrize(
    "raw, field",
    [
        (b"{not json", None),
        (b"", None),
        (b'{"events": [{"message_id": "m", "n": NaN}]}', None),
        (b"[]", "non_field_errors"),
        (b'{"events": {"message_id": "m"}}', "events"),
        (b"{}", "events"),
        (b'{"events": [], "extra": 1}', "extra"),
    ],
)
def test_a_malformed_body_is_a_400(api, tenant, raw, field):
    response = api.post(URL, raw, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    if field is None:
        assert error["code"] == "parse_error"
    else:
        assert error["code"] == "invalid" and field in error["fields"]


def test_limits_answer_413_and_store_nothing(api, tenant):
    too_many = post(api, _events(501, "x"))
    assert too_many.status_code == 413
    assert too_many.json()["error"]["code"] == "too_large"
    big_event = post(api, [event(1), event(2, properties={"blob": "x" * 33_000})])
    assert big_event.status_code == 413
    assert list(big_event.json()["error"]["fields"]) == ["events.1"]
    filler = [event(n, properties={"blob": "y" * 30_000}) for n in range(18)]
    big_body = post(api, filler)
    assert big_body.status_code == 413
    assert "512 KB" in big_body.json()["error"]["message"]
    assert stored(tenant).count() == 0


def test_gzip_bodies(api, tenant):
    raw = gzip.compress(json.dumps({"events": [event(1)]}).encode())
    response = api.post(URL, raw, content_type="application/json", HTTP_CONTENT_ENCODING="gzip")
    assert response.json()["accepted"] == 1
    bad = api.post(URL, b"not gzip", content_type="application/json", HTTP_CONTENT_ENCODING="gzip")
    assert bad.status_code == 400
    bomb = gzip.compress(b'{"events": [' + b" " * 2_000_000 + b"]}")
    assert len(bomb) < 512 * 1024
    too_big = api.post(URL, bomb, content_type="application/json", HTTP_CONTENT_ENCODING="gzip")
    assert too_big.status_code == 413
    other = api.post(URL, b"{}", content_type="application/json", HTTP_CONTENT_ENCODING="br")
    assert other.status_code == 415


def test_no_key_is_a_401(client, tenant):
    response = client.post(URL, {"events": [event(1)]}, content_type="application/json")
    assert response.status_code == 401
    assert UsageEvent.objects.unscoped().count() == 0


@pytest.mark.outsider("event-batch")
def test_another_tenants_key_stores_in_its_own_tenant_only(api, outsider_api, tenant, other_tenant):
    acme, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    contact_upsert(tenant=tenant, external_id="u-1", account=acme)
    post(api, [event(1)])  # Acme's own event, with the same message id as the outsider's
    response = post(outsider_api, [event(1), event(2, contact_external_id="u-1")])
    assert response.json()["accepted"] == 2  # message ids are per tenant
    theirs = stored(other_tenant)
    assert theirs.count() == 2
    assert set(theirs.values_list("account_id", "contact_id")) == {(None, None)}
    assert stored(tenant).count() == 1
    assert list(stored(tenant).values_list("account_id", flat=True)) == [acme.pk]
    # The outsider's own account of the same external id gets the outsider's events only.
    globex, _ = account_upsert(tenant=other_tenant, external_id="acc-1", name="Globex Initech")
    assert set(theirs.values_list("account_id", flat=True)) == {globex.pk}
    assert list(stored(tenant).values_list("account_id", flat=True)) == [acme.pk]
    assert Account.objects.for_tenant(tenant).get().name == "Initech"
    assert Contact.objects.for_tenant(other_tenant).count() == 0


def test_a_viewer_cannot_send_events(viewer, tenant):
    response = post(session_api(viewer), [event(1)])
    assert response.status_code == 403
    assert stored(tenant).count() == 0
