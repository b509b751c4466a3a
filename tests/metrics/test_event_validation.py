"""Checking one event: the quick path taken by events that pass every check gives the same
answer as the full checks, and the JSON written for the database is the standard library's
wherever orjson would refuse a value or write it otherwise."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from metrics.ingestion import validation
from metrics.ingestion.validation import (
    UNSTORABLE,
    BatchTooLarge,
    _encode,
    event_validate,
    storable_size,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
WINDOW = {"latest": NOW + timedelta(days=1), "earliest": NOW - timedelta(days=30)}
STANDARD = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _event(**fields):
    return {
        "message_id": "m-1",
        "event": "Report Exported",
        "timestamp": "2026-06-01T09:30:00+02:00",
        "account_external_id": "acc-1",
        **fields,
    }


@pytest.fixture
def full_checks_only(monkeypatch):
    """event_validate with the quick path switched off."""

    def validate(raw):
        with monkeypatch.context() as patch:
            patch.setattr(validation, "_valid", lambda *args: None)
            return event_validate(raw, **WINDOW)

    return validate


@pytest.mark.parametrize(
    "value",
    [
        {"plan": "pro", "seats": 12, "tags": ["a", "b"], "ok": True, "off": False},
        {"name": "Zoë 客户 Клиент ăîșț"},
        {"none": None, "nested": {"deeper": [None, 1]}},
        {"big": 2**70, "negative": -(2**64)},
        {"path": "C:\\u0000", "quote": 'say "hi"\n'},
    ],
)
def test_what_is_written_is_the_standard_librarys_json(value):
    encoded, size = _encode(value)
    assert encoded == STANDARD.encode(value)
    assert size == len(encoded.encode())


def test_floats_keep_their_value():
    # orjson may write a float otherwise (0.00001 for 1e-05, 1e-7 for 1e-07): the same
    # number for jsonb, in a few bytes more or fewer.
    value = {"ratio": 0.25, "tiny": 1e-7, "small": 1e-5, "huge": 1.5e300, "negative": -2.0}
    encoded, size = _encode(value)
    assert json.loads(encoded) == value and size == len(encoded)


@pytest.mark.parametrize(
    "number, count, refused",
    [
        (1e-05, 5400, False),  # 32,537 bytes as the standard library writes it; orjson 43,337
        (1e-07, 5439, True),  # 32,771 bytes; orjson 27,332
    ],
)
def test_the_size_limit_counts_the_standard_librarys_bytes(number, count, refused):
    raw = _event(properties={"a": [number] * count})
    assert (len(STANDARD.encode(raw)) > validation.MAX_EVENT_BYTES) is refused
    _, size = _encode(raw)
    assert size == len(STANDARD.encode(raw))
    if refused:
        with pytest.raises(BatchTooLarge):
            event_validate(raw, **WINDOW)
    else:
        assert event_validate(raw, **WINDOW)[3] is None


@pytest.mark.parametrize(
    "value",
    [
        {"n": float("inf")},  # what json.loads makes of 1e400; orjson would write null
        {"n": float("nan")},
        {"text": "\ud800"},  # a lone surrogate; PostgreSQL cannot store it
    ],
)
def test_values_postgres_cannot_hold_are_refused(value):
    with pytest.raises(ValueError):
        _encode(value)
    assert storable_size(value) is None


def test_deep_nesting_orjson_refuses_is_still_written():
    value = current = {}
    for _ in range(300):  # deeper than orjson goes
        current["d"] = current = {}
    encoded, _ = _encode(value)
    assert encoded == STANDARD.encode(value)


@pytest.mark.parametrize(
    "raw",
    [
        _event(),
        _event(type="page", properties={"seats": 3, "note": None}),
        _event(account_external_id="", contact_external_id="u-1"),
        _event(account_external_id=None, contact_external_id="u-1"),
        _event(properties=None),
        _event(properties={"big": 2**80}),
        _event(properties={"n": float("inf")}),
        _event(properties={"text": "\ud800"}),
        _event(properties={"a": "nul\u0000"}),
        _event(properties=[1]),
        _event(message_id=""),
        _event(message_id=7),
        _event(event="x" * 201),
        _event(account_external_id="", contact_external_id=""),
        _event(account_external_id=["a"]),
        _event(type="identify"),
        _event(type=["track"]),
        _event(colour="red"),
        _event(timestamp="yesterday"),
        _event(timestamp="2026-06-03T00:00:00Z"),  # more than a day ahead
        _event(timestamp="2026-01-01T00:00:00Z"),  # older than accepted
        _event(timestamp="2026-06-01T09:30:00"),  # naive: UTC
        _event(timestamp="2026-06-02T12:00:00Z"),  # the latest accepted
        _event(timestamp="2026-06-02T12:00:00.000001Z"),
        _event(timestamp="2026-05-02T12:00:00Z"),  # the earliest accepted
        _event(timestamp="2026-05-02T11:59:59.999999Z"),
        _event(properties={"blob": "x" * 33_000, "n": float("inf")}),
    ],
)
def test_the_quick_path_answers_as_the_full_checks_do(raw, full_checks_only):
    assert event_validate(raw, **WINDOW) == full_checks_only(raw)


def test_an_accepted_event_comes_back_as_json_and_a_utc_timestamp():
    message_id, encoded, timestamp, errors = event_validate(_event(), **WINDOW)
    assert errors is None and message_id == "m-1"
    assert json.loads(encoded) == _event()
    assert timestamp == "2026-06-01T07:30:00+00:00"


def test_an_unstorable_event_is_rejected_by_both_paths(full_checks_only):
    raw = _event(properties={"n": float("inf")})
    assert event_validate(raw, **WINDOW)[3] == {"non_field_errors": [UNSTORABLE]}
    assert full_checks_only(raw)[3] == {"non_field_errors": [UNSTORABLE]}


def test_an_oversized_event_stops_the_batch_on_either_path(full_checks_only):
    raw = _event(properties={"blob": "x" * 33_000})
    with pytest.raises(BatchTooLarge):
        event_validate(raw, **WINDOW)
    with pytest.raises(BatchTooLarge):
        full_checks_only(raw)


def test_a_valid_event_takes_the_quick_path():
    quick = validation._valid(_event(), WINDOW["latest"], WINDOW["earliest"])
    assert quick is not None and quick == event_validate(_event(), **WINDOW)
