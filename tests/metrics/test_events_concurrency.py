"""Concurrent batches sharing message ids: each event stored once, and no deadlock."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from metrics.ingestion.events import events_ingest
from metrics.models import EventReceipt, UsageEvent


@pytest.fixture(autouse=True)
def _fixed_dates_accepted(settings):
    """These events carry fixed dates of the past: the acceptance window (EVENTS_MAX_AGE_DAYS)
    is widened here, and tested in test_event_storage.py."""
    settings.EVENTS_MAX_AGE_DAYS = 36500


def _event(message_id):
    return {
        "message_id": message_id,
        "event": "Signed In",
        "timestamp": "2025-01-31T09:30:00Z",
        "contact_external_id": "u-1",
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_with_the_same_ids_store_each_event_once(tenant):
    ids = [f"m-{n:03}" for n in range(300)]
    # Opposite orders would deadlock on the unique index if rows were not sorted first.
    batches = [ids, ids[::-1], ids[1::2] + ids[::2]]
    barrier = threading.Barrier(len(batches))
    accepted, errors = [], []
    now = timezone.now()

    def send(batch):
        try:
            barrier.wait()
            events = [_event(message_id) for message_id in batch]
            accepted.append(events_ingest(tenant=tenant, events=events, received_at=now).accepted)
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(accepted) == 300
    assert UsageEvent.objects.for_tenant(tenant).count() == 300
    assert EventReceipt.objects.for_tenant(tenant).count() == 300
