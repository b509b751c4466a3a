"""Segment's tracking-API calls applied to the tenant's customers and usage events.

identify → contact upsert (traits merged; email and name from traits; `context.groupId`
links the contact to that account); group → account upsert (name, domain, traits) and the
user joins the account; track / page / screen → usage events through `events_ingest`, so
`messageId` makes them idempotent. identify and group are idempotent as upserts. Other
calls (alias) are accepted and ignored, as a Segment destination may do.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import Account, Contact
from accounts.services.accounts import account_upsert, contact_upsert, merge_traits
from metrics.ingestion.events import events_ingest
from metrics.ingestion.validation import (
    MAX_EVENT_BYTES,
    MAX_ID,
    BatchTooLarge,
    parse_timestamp,
    storable_size,
)
from tenants.models import Tenant

logger = logging.getLogger(__name__)

EVENT_TYPES = ("track", "page", "screen")
DEFAULT_NAMES = {"page": "Loaded a Page", "screen": "Loaded a Screen"}
MAX_TEXT = 255
EMAIL_MAX = 254  # Django's EmailField


@dataclass
class SegmentOutcome:
    identified: int = 0
    grouped: int = 0
    accepted: int = 0
    duplicates: int = 0
    skipped: int = 0


def segment_id(value) -> str:
    """Segment ids may be strings or numbers; anything else counts as absent."""
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if type(value) is float and value.is_integer():
        return str(int(value))
    return ""


def segment_timestamp(message: dict, *, sent_at: datetime | None, received_at: datetime):
    """When the call happened, corrected for the client's clock as Segment does.

    With both `timestamp` and `sentAt` (the message's or the batch's): receivedAt -
    (sentAt - timestamp). A timestamp that does not parse is passed on for validation to
    reject with its message.
    """
    raw = message.get("timestamp", message.get("originalTimestamp"))
    if raw is None:
        return received_at.isoformat()
    timestamp = parse_timestamp(raw)
    if timestamp is None:
        return raw
    sent = parse_timestamp(message.get("sentAt")) or sent_at
    if sent is None:
        return timestamp.isoformat()
    try:
        return (received_at - (sent - timestamp)).isoformat()
    except OverflowError:  # absurd clocks: keep the client's timestamp for validation
        return timestamp.isoformat()


def _as_event(message: dict, kind: str, *, sent_at, received_at) -> dict:
    context = message.get("context")
    group_id = segment_id(context.get("groupId")) if type(context) is dict else ""
    user_id = segment_id(message.get("userId")) or segment_id(message.get("anonymousId"))
    name = message.get("event") if kind == "track" else message.get("name")
    event = {
        # Segment's libraries always send one; a bare HTTP call without it is still taken.
        "message_id": segment_id(message.get("messageId")) or uuid4().hex,
        "event": name if kind == "track" else (name or DEFAULT_NAMES[kind]),
        "timestamp": segment_timestamp(message, sent_at=sent_at, received_at=received_at),
        "type": kind,
    }
    if user_id:
        event["contact_external_id"] = user_id
    if group_id:
        event["account_external_id"] = group_id
    if message.get("properties") is not None:
        event["properties"] = message["properties"]
    return event


def _text(value, limit: int = MAX_TEXT) -> str:
    """A trimmed string that fits its column, else "" (Segment sends free-form traits)."""
    if type(value) is not str or "\x00" in value:
        return ""
    value = value.strip()
    return value if len(value) <= limit else ""


def _traits(message: dict) -> dict:
    traits = message.get("traits")
    return traits if type(traits) is dict else {}


def _domain(traits: dict) -> str:
    domain = _text(_text(traits.get("domain")).lower())  # lower() can lengthen text
    if domain:
        return domain
    website = _text(traits.get("website"))
    if not website:
        return ""
    # "acme.com" has no scheme; urlsplit needs "//" to see it as the host.
    try:
        host = urlsplit(website if "//" in website else f"//{website}").hostname or ""
    except ValueError:  # e.g. "http://[oops"
        return ""
    return _text(host.removeprefix("www."))


def _account_for(tenant: Tenant, external_id: str) -> Account:
    account = Account.objects.for_tenant(tenant).filter(external_id=external_id).first()
    if account is None:
        # Known only by its id so far; a later group call names it.
        account, _ = account_upsert(tenant=tenant, external_id=external_id, name=external_id)
    return account


@transaction.atomic
def segment_identify(*, tenant: Tenant, message: dict) -> Contact | None:
    external_id = segment_id(message.get("userId")) or segment_id(message.get("anonymousId"))
    if not external_id or len(external_id) > MAX_ID:
        return None
    traits = _traits(message)
    existing = (
        Contact.objects.for_tenant(tenant)
        .select_for_update()
        .filter(external_id=external_id)
        .first()
    )
    values = {"traits": merge_traits(existing.traits if existing else {}, traits)}
    email = _text(traits.get("email"), EMAIL_MAX)
    try:
        validate_email(email)
        values["email"] = email
    except ValidationError:
        pass  # kept in traits only
    first_last = f"{_text(traits.get('firstName'))} {_text(traits.get('lastName'))}"
    name = _text(traits.get("name")) or _text(first_last)
    if name:
        values["name"] = name
    context = message.get("context")
    group_id = segment_id(context.get("groupId")) if type(context) is dict else ""
    if group_id and len(group_id) <= MAX_ID:
        values["account"] = _account_for(tenant, group_id)
    contact, _ = contact_upsert(tenant=tenant, external_id=external_id, **values)
    return contact


@transaction.atomic
def segment_group(*, tenant: Tenant, message: dict) -> Account | None:
    external_id = segment_id(message.get("groupId"))
    if not external_id or len(external_id) > MAX_ID:
        return None
    traits = _traits(message)
    existing = (
        Account.objects.for_tenant(tenant)
        .select_for_update()
        .filter(external_id=external_id)
        .first()
    )
    values = {"traits": merge_traits(existing.traits if existing else {}, traits)}
    name = _text(traits.get("name"))
    if name or existing is None:
        values["name"] = name or external_id
    domain = _domain(traits)
    if domain:
        values["domain"] = domain
    account, _ = account_upsert(tenant=tenant, external_id=external_id, **values)
    user_id = segment_id(message.get("userId")) or segment_id(message.get("anonymousId"))
    if user_id and len(user_id) <= MAX_ID:
        contact_upsert(tenant=tenant, external_id=user_id, account=account)
    return account


def segment_messages_process(
    *,
    tenant: Tenant,
    messages: list,
    received_at: datetime,
    sent_at: datetime | None = None,
    context: dict | None = None,
) -> SegmentOutcome:
    """Apply a batch of Segment messages (each with its `type`) for `tenant`.

    Raises BatchTooLarge, before anything is stored, when a message is over 32 KB.
    Events are stored first; the upserts after them attach any that named a new account
    or contact, so the order of calls within a batch does not change the outcome.
    """
    outcome = SegmentOutcome()
    events, upserts = [], []
    for message in messages:
        if type(message) is not dict:
            outcome.skipped += 1
            continue
        own = message.get("context") or {}
        if context and type(own) is dict:
            # The batch's context applies to every message; the message's own wins.
            message = {**message, "context": {**context, **own}}
        kind = message.get("type")
        if kind in EVENT_TYPES:
            events.append(_as_event(message, kind, sent_at=sent_at, received_at=received_at))
        elif kind in ("identify", "group"):
            size = storable_size(message)
            if size is not None and size > MAX_EVENT_BYTES:
                raise BatchTooLarge(f"A message is {size:,} bytes; the limit is 32 KB.")
            if size is None:
                outcome.skipped += 1
            else:
                upserts.append((kind, message))
        else:
            outcome.skipped += 1
    if events:
        # No count limit here: Segment bounds a batch by its size (checked by the view).
        result = events_ingest(
            tenant=tenant, events=events, received_at=received_at, max_events=None
        )
        outcome.accepted = result.accepted
        outcome.duplicates = result.duplicates
        outcome.skipped += result.rejected
        if result.rejected:
            # Segment answers success whatever a message holds; the log says what was dropped.
            logger.info(
                "Segment events rejected for tenant %s: %s",
                tenant.pk,
                [r["errors"] for r in result.results if r["status"] == "rejected"][:5],
            )
    for kind, message in upserts:
        if kind == "identify":
            outcome.identified += segment_identify(tenant=tenant, message=message) is not None
        else:
            outcome.grouped += segment_group(tenant=tenant, message=message) is not None
    return outcome
