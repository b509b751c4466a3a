"""The task outbox: with the broker (Redis) down, queued work is accepted and stored with its
rows, and the relay sends it once the broker is back; an invitation's token is never stored."""

import json
import re
import threading
import time
from datetime import timedelta
from io import StringIO

import psycopg2
import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.models import Invitation, OutboxTask
from tenants.models.invitation import hash_token
from tenants.services.invitations import invitation_create
from tenants.tenancy.outbox import outbox_relay, outbox_task_send
from tests.conftest import UNREACHABLE_BROKER, _database_url, broker, broker_back, session_api

# A request makes one attempt to reach the broker; refused, it fails at once.
PATIENCE_SECONDS = 1


def _outbox(tenant):
    return list(OutboxTask.objects.for_tenant(tenant).order_by("pk"))


def _invite_unsent(tenant, owner, *emails):
    """Invitations whose sending failed at commit."""
    with broker(UNREACHABLE_BROKER, eager=False):
        for email in emails:
            invitation_create(tenant=tenant, email=email, role="csm", invited_by=owner)


def _link(message) -> str:
    return re.search(r"/invitations/[^/\s]+/", message.body).group()


@pytest.mark.django_db(transaction=True)
def test_an_invitation_is_accepted_with_the_broker_down_and_sent_once_it_is_back(
    tenant, owner_client, broker_down, client
):
    started = time.monotonic()
    response = owner_client.post("/settings/team/", {"email": "new@acme.test", "role": "csm"})
    assert response.status_code == 302  # committed, so answered as usual: no 500
    assert time.monotonic() - started < PATIENCE_SECONDS
    invitation = Invitation.objects.for_tenant(tenant).get()
    assert invitation.sent_at is None and invitation.token_hash is None
    (entry,) = _outbox(tenant)
    assert entry.task_name == "accounts.tasks.send_invitation"
    assert entry.args == [tenant.pk, invitation.pk] and entry.kwargs == {}
    assert entry.sent_at is None and entry.attempts == 1
    assert "Connection refused" in entry.last_error
    assert mail.outbox == []
    assert "(sending…)" in owner_client.get("/settings/team/").content.decode()

    assert outbox_relay().error  # still down: the relay tries, and keeps the entry
    assert _outbox(tenant)[0].attempts == 2

    with broker_back():
        result = outbox_relay()
    assert (result.sent, result.waiting, result.error) == (1, 0, "")
    (message,) = mail.outbox
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert client.get(_link(message)).status_code == 200
    (entry,) = _outbox(tenant)
    assert entry.sent_at is not None and entry.last_error == ""
    with broker_back():
        assert outbox_relay().sent == 0  # sent entries are not sent again


@pytest.mark.django_db(transaction=True)
def test_the_invitation_token_is_never_in_the_outbox(tenant, owner, broker_down):
    invitation_create(tenant=tenant, email="new@acme.test", role="csm", invited_by=owner)
    with broker_back():
        outbox_relay()
    token = _link(mail.outbox[0]).split("/")[2]
    assert Invitation.objects.for_tenant(tenant).get().token_hash == hash_token(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(t)::text FROM tenants_outboxtask t")
        stored = " ".join(row for (row,) in cursor.fetchall())
    assert stored and token not in stored and hash_token(token) not in stored


@pytest.mark.django_db(transaction=True)
def test_the_api_accepts_an_invitation_with_the_broker_down(tenant, owner, broker_down):
    response = session_api(owner).post(
        "/api/v1/invitations/", {"email": "new@acme.test", "role": "viewer"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["sent_at"] is None
    assert [e.task_name for e in _outbox(tenant)] == ["accounts.tasks.send_invitation"]


def test_with_the_broker_up_the_task_is_sent_at_commit(
    tenant, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(tenant=tenant, email="new@acme.test", role="csm", invited_by=owner)
    (entry,) = _outbox(tenant)
    assert entry.sent_at is not None and entry.attempts == 1
    assert len(mail.outbox) == 1
    assert outbox_task_send(tenant=tenant, entry_id=entry.pk) is False  # sent once only


def test_nothing_is_queued_when_the_transaction_rolls_back(tenant, owner):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        invitation_create(tenant=tenant, email="new@acme.test", role="csm", invited_by=owner)
        raise RuntimeError("the caller's work failed")
    assert _outbox(tenant) == [] and Invitation.objects.for_tenant(tenant).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_relay_skips_entries_another_sender_holds(tenant, owner):
    """SELECT ... FOR UPDATE SKIP LOCKED: what one relay holds, another does not send."""
    _invite_unsent(tenant, owner, "a@acme.test", "b@acme.test")
    held, free = _outbox(tenant)
    other = psycopg2.connect(_database_url())  # another relay, in its own transaction
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM tenants_outboxtask WHERE id = %s FOR UPDATE", [held.pk])
            with broker_back():
                result = outbox_relay()
            assert (result.sent, result.waiting) == (1, 1)
            assert outbox_task_send(tenant=tenant, entry_id=held.pk) is False  # held: skipped
        other.rollback()
    finally:
        other.close()
    with broker_back():
        assert outbox_relay().sent == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["a@acme.test", "b@acme.test"]
    assert all(entry.sent_at for entry in _outbox(tenant))


@pytest.mark.django_db(transaction=True)
def test_relays_running_at_once_send_each_entry_once(tenant, owner):
    _invite_unsent(tenant, owner, *(f"p{n}@acme.test" for n in range(6)))
    results = []

    def relay():
        try:
            results.append(outbox_relay(batch=2))
        finally:
            connection.close()

    # Sent to the real broker, where the messages are counted (not run: eager tasks in
    # threads share Celery's global state).
    with broker_back(eager=False):
        _purge_test_queue()
        threads = [threading.Thread(target=relay) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert _purge_test_queue() == 6
    assert sum(result.sent for result in results) == 6
    assert all(entry.sent_at and entry.attempts == 2 for entry in _outbox(tenant))


def test_an_unknown_task_is_kept_with_its_error_and_does_not_block_the_rest(
    tenant, owner, broker_down
):
    OutboxTask.objects.for_tenant(tenant).create(
        tenant=tenant, task_name="accounts.tasks.gone", args=[tenant.pk]
    )
    invitation_create(tenant=tenant, email="new@acme.test", role="csm", invited_by=owner)
    with broker_back():
        result = outbox_relay(batch=1)
    assert (result.sent, result.waiting) == (1, 1)
    gone, sent = _outbox(tenant)
    assert "No task named 'accounts.tasks.gone'" in gone.last_error and gone.sent_at is None
    assert sent.sent_at is not None


def test_sent_entries_are_deleted_after_a_week(tenant, other_tenant):
    now = timezone.now()
    for owner_tenant, sent_at in [(tenant, now - timedelta(days=8)), (other_tenant, now)]:
        OutboxTask.objects.for_tenant(owner_tenant).create(
            tenant=owner_tenant, task_name="x", sent_at=sent_at
        )
    outbox_relay()
    assert _outbox(tenant) == [] and len(_outbox(other_tenant)) == 1


def test_the_relay_serves_every_tenant_in_few_queries(
    tenant, other_tenant, owner, outsider, broker_down
):
    def queue(n):
        for i in range(n):
            for who, where in [(owner, tenant), (outsider, other_tenant)]:
                invitation_create(
                    tenant=where, email=f"p{i}@{where.slug}.test", role="csm", invited_by=who
                )

    counts = []
    for n in (1, 4):
        queue(n)
        with broker_back(eager=False), CaptureQueriesContext(connection) as captured:
            assert outbox_relay().sent == 2 * n  # to the real broker, not run here
        counts.append(len(captured.captured_queries))
    with broker_back(eager=False):
        _purge_test_queue()
    # Purge, claim, count and the transaction's savepoint are fixed; each entry is one UPDATE.
    assert counts[1] - counts[0] == 6


def _purge_test_queue() -> int:
    """Empty this test run's queue on the broker; how many messages it held."""
    from django.conf import settings

    from csplatform.celery import app

    with app.connection_for_write() as conn:
        return conn.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE) or 0


def test_the_command_fails_clearly_while_the_broker_is_down(tenant, owner, broker_down):
    invitation_create(tenant=tenant, email="new@acme.test", role="csm", invited_by=owner)
    with pytest.raises(CommandError) as failure:
        call_command("outbox_relay", stdout=StringIO())
    assert "The broker (Redis) cannot be reached" in str(failure.value)
    assert "1 queued task is waiting" in str(failure.value)
    out = StringIO()
    with broker_back():
        call_command("outbox_relay", stdout=out)
    assert out.getvalue().strip() == "Sent 1 queued task to the broker; 0 waiting."
    assert len(mail.outbox) == 1


def test_the_command_checks_the_broker_even_with_nothing_waiting(db, broker_down):
    with pytest.raises(CommandError, match="cannot be reached.*0 queued tasks are waiting"):
        call_command("outbox_relay", stdout=StringIO())


def test_sending_never_waits_long_for_an_unreachable_broker():
    from csplatform.celery import app

    assert app.conf.broker_connection_timeout <= 2
    options = app.conf.broker_transport_options
    assert options["socket_connect_timeout"] <= 2 and options["max_retries"] == 0


def test_beat_relays_every_minute_and_a_starting_worker_at_once():
    from csplatform.celery import app

    entry = app.conf.beat_schedule["tenants-relay-outbox"]
    assert entry["task"] == "tenants.tasks.relay_outbox" and entry["schedule"] == 60.0
    app.loader.import_default_modules()
    assert "tenants.tasks.relay_outbox" in app.tasks


def test_outbox_rows_are_json_of_ids_only(tenant, owner):
    invitation = invitation_create(
        tenant=tenant, email="new@acme.test", role="csm", invited_by=owner
    )
    (entry,) = _outbox(tenant)
    assert json.loads(json.dumps(entry.args)) == [tenant.pk, invitation.pk]
