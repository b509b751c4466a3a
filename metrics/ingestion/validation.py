"""Checking one incoming usage event, in plain Python (this runs for every event of a batch).

A DRF serializer per event costs about 100 times more; the rules here are few and fixed, so
they are written out. `event_validate` answers the event's compact JSON (checked to be
storable by PostgreSQL) and its normalized timestamp, or the errors by field.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import orjson
from django.conf import settings

from metrics.models.usage import EventType

MAX_EVENTS = 500
MAX_EVENT_BYTES = 32 * 1024
MAX_FUTURE = timedelta(days=1)
MAX_ID = 255  # UsageEvent.message_id / *_external_id
MAX_NAME = 200  # UsageEvent.event
MAX_TIMESTAMP = 64


def max_age() -> timedelta:
    """The oldest an event's timestamp may be when it arrives (EVENTS_MAX_AGE_DAYS): the
    receipts that recognise a message sent again are kept a little longer than that
    (metrics/services/event_storage.py), so an older one is refused rather than stored
    twice."""
    return timedelta(days=settings.EVENTS_MAX_AGE_DAYS)


FIELDS = frozenset(
    {
        "message_id",
        "event",
        "timestamp",
        "account_external_id",
        "contact_external_id",
        "properties",
        "type",
    }
)
TYPES = frozenset(EventType.values)

REQUIRED = "This field is required."
NOT_TEXT = "Expected a string."
UNSTORABLE = "Text with lone surrogates, NaN or Infinity cannot be stored."

# What PostgreSQL refuses in jsonb: NaN/Infinity (allow_nan=False raises) and \u0000
# (looked for below). ensure_ascii=False so that a lone surrogate fails on .encode().
_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
# A \u0000 escape whose backslash is not itself escaped (an even run of backslashes before it).
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


class BatchTooLarge(Exception):
    """Too many events, or an event over the size limit: the whole request is refused (413)."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields


def _text(raw: dict, name: str, max_length: int, errors: dict, *, required: bool) -> str:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            errors[name] = [REQUIRED]
        return ""
    if type(value) is not str:
        errors[name] = [NOT_TEXT]
    elif len(value) > max_length:
        errors[name] = [f"Use at most {max_length} characters."]
    return value


def parse_timestamp(value) -> datetime | None:
    """An ISO 8601 date-time (naive means UTC), or None when it is not one."""
    if type(value) is not str or len(value) > MAX_TIMESTAMP:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        # In UTC: PostgreSQL refuses offsets with seconds, which ISO 8601 allows.
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted past the calendar
        return None


# orjson's text of a value is at most 1.4 times the standard library's and at least 0.8 times
# (floats are the only difference): at or below this size, the standard library's is under
# the limit too, so only larger values need measuring again.
_EXACT_ABOVE = MAX_EVENT_BYTES * 7 // 10


def _encode(value) -> tuple[str, int]:
    """Compact JSON of `value` and its UTF-8 size; ValueError when jsonb could not hold it.

    orjson writes the usual event several times faster than the standard library, which stays
    the judge of whatever orjson refuses or writes otherwise: integers beyond 64 bits, lone
    surrogates and deep nesting (orjson raises), and infinite floats (orjson writes null, so
    output holding a null is written again by the standard library, which refuses them).
    Some floats take a few bytes more or fewer in orjson's text (0.00001 for 1e-05, 1e-7 for
    1e-07), so a value whose size could be near MAX_EVENT_BYTES is measured by the standard
    library too: the limit then refuses exactly what it always refused.
    """
    try:
        data = orjson.dumps(value)
    except orjson.JSONEncodeError:
        data = b"null"
    if b"null" not in data and len(data) <= _EXACT_ABOVE:
        return data.decode(), len(data)
    encoded = _encoder.encode(value)  # ValueError for NaN/Infinity
    # Only non-ASCII text needs encoding to be counted; that also refuses a lone surrogate.
    size = len(encoded) if encoded.isascii() else len(encoded.encode())
    return encoded, size


def _has_nul(encoded: str) -> bool:
    return "\\u0000" in encoded and _NUL_ESCAPE.search(encoded) is not None


def storable_size(value) -> int | None:
    """The compact JSON size of `value` in bytes, or None when PostgreSQL could not store it."""
    try:
        encoded, size = _encode(value)
    except ValueError:  # UnicodeEncodeError is a ValueError too
        return None
    return None if _has_nul(encoded) else size


def _valid(raw: dict, latest: datetime, earliest: datetime) -> tuple[str, str, str, None] | None:
    """The answer for an event that passes every check, found with the fewest operations
    (this runs for every event of every batch); None for any other event, which the full
    checks below then describe field by field."""
    get = raw.get
    message_id, event = get("message_id"), get("event")
    account, contact = get("account_external_id"), get("contact_external_id")
    kind, properties = get("type"), get("properties")
    if not (
        raw.keys() <= FIELDS
        and type(message_id) is str
        and 0 < len(message_id) <= MAX_ID
        and type(event) is str
        and 0 < len(event) <= MAX_NAME
        and (account is None or (type(account) is str and len(account) <= MAX_ID))
        and (contact is None or (type(contact) is str and len(contact) <= MAX_ID))
        and (account or contact)
        and (kind is None or (type(kind) is str and kind in TYPES))
        and (properties is None or type(properties) is dict)
    ):
        return None
    parsed = parse_timestamp(get("timestamp"))
    if parsed is None or not earliest <= parsed <= latest:
        return None
    try:
        encoded, size = _encode(raw)
    except ValueError:
        return None
    if size > MAX_EVENT_BYTES or _has_nul(encoded):
        return None
    return message_id, encoded, parsed.isoformat(), None


def event_validate(
    raw, *, latest: datetime, earliest: datetime
) -> tuple[str, str, str, dict | None]:
    """Return (message_id, compact JSON, ISO timestamp, errors or None) for one event.

    `latest` is the latest timestamp accepted (receipt time plus a day of clock skew),
    `earliest` the earliest (receipt time minus `max_age()`).
    """
    if type(raw) is not dict:
        return "", "", "", {"non_field_errors": ["Expected an object."]}
    accepted = _valid(raw, latest, earliest)
    if accepted is not None:
        return accepted
    errors = {}
    if not raw.keys() <= FIELDS:
        for name in sorted(raw.keys() - FIELDS):
            errors[name] = ["Unknown field."]
    message_id = _text(raw, "message_id", MAX_ID, errors, required=True)
    _text(raw, "event", MAX_NAME, errors, required=True)
    account = _text(raw, "account_external_id", MAX_ID, errors, required=False)
    contact = _text(raw, "contact_external_id", MAX_ID, errors, required=False)
    if not account and not contact and "account_external_id" not in errors:
        errors["account_external_id"] = ["Give account_external_id, contact_external_id or both."]
    kind = raw.get("type")
    if kind is not None and (type(kind) is not str or kind not in TYPES):
        errors["type"] = [f"Use one of: {', '.join(sorted(TYPES))}."]
    properties = raw.get("properties")
    if properties is not None and type(properties) is not dict:
        errors["properties"] = ["Expected an object."]

    timestamp = ""
    value = raw.get("timestamp")
    if value is None:
        errors["timestamp"] = [REQUIRED]
    else:
        parsed = parse_timestamp(value)
        if parsed is None:
            errors["timestamp"] = ["Use an ISO 8601 date-time, e.g. 2025-01-31T09:30:00Z."]
        elif parsed > latest:
            errors["timestamp"] = ["The timestamp is more than 1 day in the future."]
        elif parsed < earliest:
            days = settings.EVENTS_MAX_AGE_DAYS
            errors["timestamp"] = [
                f"The timestamp is more than {days} days in the past; older events are not "
                "accepted."
            ]
        else:
            timestamp = parsed.isoformat()

    try:
        encoded, size = _encode(raw)
    except ValueError:
        return message_id, "", "", {**errors, "non_field_errors": [UNSTORABLE]}
    if size > MAX_EVENT_BYTES:
        raise BatchTooLarge(
            f"An event is {size:,} bytes; the limit is {MAX_EVENT_BYTES:,} bytes per event."
        )
    if _has_nul(encoded):
        errors["non_field_errors"] = ["Null characters are not allowed."]
    return message_id, encoded, timestamp, errors or None
