"""Storing a batch of usage events: one SQL statement, whatever the batch's size.

Events are checked in Python, duplicates within the batch are dropped there, and the rest go
to PostgreSQL as one jsonb array. One statement then records the receipts (a message id seen
before inserts nothing: ON CONFLICT DO NOTHING ... RETURNING), stores the events of the new
receipts, and resolves their account and contact by external id in the tenant. An event
naming only a contact takes that contact's account. Names not known yet are kept, and the
upsert services attach those events when the account or contact arrives
(metrics/services/attribution.py). The same statement returns the names, among the new
events, that open onboarding steps wait for; a batch with any queues one task to complete
them (metrics/services/onboarding_events.py).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from accounts.models import Account, Contact
from metrics.ingestion.validation import (
    MAX_EVENTS,
    MAX_FUTURE,
    BatchTooLarge,
    event_validate,
    max_age,
)
from metrics.models import EventReceipt, UsageEvent
from metrics.services.onboarding_events import batch_hand_over
from onboarding.models import PlanStep
from tenants.models import Tenant
from tenants.observability.instruments import EVENTS_ACCEPTED

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"

# Table names come from the models, never from input. Each row is [event object, timestamp]:
# the event as the client sent it (checked) and its timestamp normalized by Python, so that
# PostgreSQL never has to interpret a date format differently from the validation.
_INGEST_SQL = f"""
WITH input AS MATERIALIZED (
    SELECT r->0->>'message_id' AS message_id,
           COALESCE(r->0->>'type', 'track') AS type,
           r->0->>'event' AS event,
           (r->>1)::timestamptz AS timestamp,
           COALESCE(r->0->>'account_external_id', '') AS account_xid,
           COALESCE(r->0->>'contact_external_id', '') AS contact_xid,
           COALESCE(NULLIF(r->0->'properties', 'null'::jsonb), '{{}}'::jsonb) AS properties
    FROM jsonb_array_elements(%(rows)s::jsonb) AS r
), receipts AS (
    INSERT INTO {EventReceipt._meta.db_table} (tenant_id, message_id, received_at)
    SELECT %(tenant)s, message_id, %(received_at)s FROM input
    ON CONFLICT (tenant_id, message_id) DO NOTHING
    RETURNING message_id
), stored AS (
    INSERT INTO {UsageEvent._meta.db_table} (
        tenant_id, message_id, type, event, timestamp, received_at, account_id, contact_id,
        account_external_id, contact_external_id, properties)
    SELECT %(tenant)s, i.message_id, i.type, i.event, i.timestamp, %(received_at)s,
           CASE WHEN i.account_xid = '' THEN c.account_id ELSE a.id END, c.id,
           i.account_xid, i.contact_xid, i.properties
    FROM input i
    JOIN receipts USING (message_id)
    LEFT JOIN {Account._meta.db_table} a
           ON a.tenant_id = %(tenant)s AND a.external_id = i.account_xid AND i.account_xid <> ''
    LEFT JOIN {Contact._meta.db_table} c
           ON c.tenant_id = %(tenant)s AND c.external_id = i.contact_xid AND i.contact_xid <> ''
), watched AS (
    SELECT DISTINCT i.event
    FROM input i
    JOIN receipts USING (message_id)
    WHERE EXISTS (
        SELECT 1 FROM {PlanStep._meta.db_table} s
        WHERE s.tenant_id = %(tenant)s AND s.event_name = i.event AND s.status = 'open'
          AND s.completed_by = 'event')
)
SELECT (SELECT array_agg(message_id) FROM receipts), (SELECT array_agg(event) FROM watched)
"""  # noqa: S608


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    results: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "results": self.results,
        }


def events_ingest(
    *, tenant: Tenant, events: list, received_at: datetime, max_events: int | None = MAX_EVENTS
) -> IngestResult:
    """Store the valid, new events of `events`; report each one by its index.

    Raises BatchTooLarge (nothing stored) for more than `max_events` events or an oversized
    one. No transaction.atomic: the one statement is atomic by itself, and an explicit transaction
    would only add round trips on this hot path.
    """
    if max_events is not None and len(events) > max_events:
        raise BatchTooLarge(
            f"A batch holds at most {max_events} events; this one has {len(events)}."
        )
    latest, earliest = received_at + MAX_FUTURE, received_at - max_age()
    outcome = IngestResult()
    results = outcome.results
    first_seen: dict[str, dict] = {}
    rows = []
    for index, raw in enumerate(events):
        try:
            message_id, encoded, timestamp, errors = event_validate(
                raw, latest=latest, earliest=earliest
            )
        except BatchTooLarge as exc:
            raise BatchTooLarge(exc.message, {f"events.{index}": [exc.message]}) from None
        if errors:
            shown = message_id if message_id and type(message_id) is str else None
            results.append(
                {"index": index, "message_id": shown, "status": REJECTED, "errors": errors}
            )
            outcome.rejected += 1
            continue
        # Duplicate until the database says the receipt is new.
        result = {"index": index, "message_id": message_id, "status": DUPLICATE}
        results.append(result)
        if message_id not in first_seen:
            first_seen[message_id] = result
            rows.append((message_id, encoded, timestamp))
    if rows:
        stored, watched = _store(tenant, rows, received_at)
        for message_id in stored:
            first_seen[message_id]["status"] = ACCEPTED
            outcome.accepted += 1
        EVENTS_ACCEPTED.inc(outcome.accepted)
        if watched:
            accepted = [result["index"] for result in results if result["status"] == ACCEPTED]
            batch_hand_over(tenant=tenant, events=events, accepted=accepted, names=watched)
    outcome.duplicates = len(results) - outcome.accepted - outcome.rejected
    return outcome


def _store(
    tenant: Tenant, rows: list[tuple[str, str, str]], received_at: datetime
) -> tuple[list[str], list[str]]:
    """(the message ids stored, the names among them that open onboarding steps wait for)."""
    # Sorted by message id, so concurrent batches sharing ids take the unique-index locks in
    # the same order and cannot deadlock each other.
    rows.sort()
    payload = "[" + ",".join([f'[{encoded},"{timestamp}"]' for _, encoded, timestamp in rows]) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            _INGEST_SQL, {"rows": payload, "tenant": tenant.pk, "received_at": received_at}
        )
        stored, watched = cursor.fetchone()
        return stored or [], watched or []
