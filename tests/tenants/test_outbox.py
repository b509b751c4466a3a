"""The task outbox: with the broker (Redis) down, queued work is accepted and stored with its
rows, and the relay sends it once the broker is back; an invitation's token is never stored.
An entry is done when its task has run: one the broker took and lost, or whose task failed,
is sent again, a few times at most."""

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
from tenants.tenancy.outbox import (
    ENTRY_HEADER,
    MAX_SENDS,
    REDELIVER_AFTER,
    SENT_KEPT,
    enqueue_on_commit,
    outbox_relay,
    outbox_task_send,
)
from tenants.tenancy.tasks import tenant_task
from tests.conftest import (
    UNREACHABLE_BROKER,
    _database_url,
    _purge_test_queue,
    broker,
    broker_back,
    session_api,
)

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
    assert entry.done_at is not None and entry.sends == 1  # the task ran
    with broker_back():
        assert outbox_relay().sent == 0  # done entries are not sent again


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
    assert entry.done_at is not None  # the task ran (eagerly here) and marked it
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


def test_done_entries_are_deleted_after_a_week_and_unfinished_ones_kept(tenant, other_tenant):
    now = timezone.now()
    week_ago = now - SENT_KEPT - timedelta(minutes=1)
    for owner_tenant, fields in [
        (tenant, {"sent_at": week_ago, "done_at": week_ago, "sends": 1}),
        (tenant, {"sent_at": week_ago, "sends": MAX_SENDS, "last_error": "given up"}),
        (other_tenant, {"sent_at": week_ago, "done_at": now, "sends": 1}),  # ran late
        (other_tenant, {"sent_at": now, "done_at": now, "sends": 1}),
    ]:
        OutboxTask.objects.for_tenant(owner_tenant).create(
            tenant=owner_tenant, task_name="x", **fields
        )
    # Sent long ago, never done and not given up: sent again (here its task is unknown).
    unfinished = OutboxTask.objects.for_tenant(tenant).create(
        tenant=tenant, task_name="x", sent_at=week_ago, sends=1
    )
    outbox_relay()
    assert _outbox(tenant) == [unfinished] and len(_outbox(other_tenant)) == 2


# Tasks queued through the outbox whose runs are counted; `failing` makes them raise.
RUNS: list[str] = []
FAILING: set[str] = set()


@tenant_task(name="tests.tenants.outbox_counted")
def counted(tenant, label: str) -> str:
    if label in FAILING:
        raise RuntimeError(f"{label} failed")
    RUNS.append(label)
    return label


@pytest.fixture
def runs():
    RUNS.clear()
    FAILING.clear()
    yield RUNS
    RUNS.clear()
    FAILING.clear()


def _sent_ago(entry, delta: timedelta) -> None:
    """As if the broker had taken the entry `delta` ago."""
    OutboxTask.objects.unscoped().filter(pk=entry.pk).update(sent_at=timezone.now() - delta)


def _queue(tenant, label, django_capture_on_commit_callbacks) -> OutboxTask:
    with django_capture_on_commit_callbacks(execute=True):
        entry = enqueue_on_commit(counted, tenant, label)
    entry.refresh_from_db()
    return entry


def test_a_task_the_broker_lost_is_sent_again_after_a_while_and_then_done(tenant, runs):
    with broker_back(eager=False):  # the broker takes it, and loses it (Redis restarted)
        _purge_test_queue()
        entry = enqueue_on_commit(counted, tenant, "lost")
        assert outbox_task_send(tenant=tenant, entry_id=entry.pk) is True
        assert _purge_test_queue() == 1
    entry.refresh_from_db()
    assert entry.sent_at is not None and entry.done_at is None and entry.sends == 1

    with broker_back():
        assert outbox_relay().sent == 0  # just sent: it may be waiting in a busy queue
        _sent_ago(entry, REDELIVER_AFTER - timedelta(minutes=1))
        assert outbox_relay().sent == 0
        _sent_ago(entry, REDELIVER_AFTER + timedelta(minutes=1))
        result = outbox_relay()
    assert (result.sent, result.resent, result.waiting) == (1, 1, 0)
    assert runs == ["lost"]
    entry.refresh_from_db()
    assert entry.done_at is not None and entry.sends == 2 and entry.last_error == ""
    _sent_ago(entry, REDELIVER_AFTER + timedelta(minutes=1))
    with broker_back():
        assert outbox_relay().sent == 0  # done: never sent again
    assert runs == ["lost"]


def test_a_run_marks_its_entry_done_and_a_duplicate_message_does_nothing(
    tenant, runs, django_capture_on_commit_callbacks
):
    entry = _queue(tenant, "once", django_capture_on_commit_callbacks)
    assert runs == ["once"] and entry.done_at is not None and entry.sends == 1
    # The same message again (the relay's copy, or the broker delivering it twice).
    duplicate = counted.apply_async(args=entry.args, headers={ENTRY_HEADER: entry.pk})
    assert duplicate.get() is None
    assert runs == ["once"]
    OutboxTask.objects.unscoped().filter(pk=entry.pk).update(done_at=None)
    assert counted.apply_async(args=entry.args, headers={ENTRY_HEADER: entry.pk}).get() == "once"
    assert runs == ["once", "once"]  # not done: the same message runs
    counted.delay(tenant.pk, "plain")  # a message of no entry runs as ever
    assert runs == ["once", "once", "plain"]


def test_a_failing_task_leaves_its_entry_not_done_and_is_sent_again(
    tenant, runs, django_capture_on_commit_callbacks
):
    FAILING.add("flaky")
    entry = _queue(tenant, "flaky", django_capture_on_commit_callbacks)
    assert runs == [] and entry.sent_at is not None and entry.done_at is None
    FAILING.clear()
    _sent_ago(entry, REDELIVER_AFTER + timedelta(minutes=1))
    with broker_back():
        assert outbox_relay().resent == 1
    entry.refresh_from_db()
    assert runs == ["flaky"] and entry.done_at is not None and entry.sends == 2


def test_a_task_that_never_completes_is_sent_max_sends_times_then_left_to_an_operator(
    tenant, runs, django_capture_on_commit_callbacks
):
    FAILING.add("broken")
    entry = _queue(tenant, "broken", django_capture_on_commit_callbacks)
    for sends in range(2, MAX_SENDS + 1):
        _sent_ago(entry, REDELIVER_AFTER + timedelta(minutes=1))
        with broker_back():
            assert outbox_relay().resent == 1
        entry.refresh_from_db()
        assert entry.sends == sends and entry.done_at is None
    _sent_ago(entry, REDELIVER_AFTER + timedelta(minutes=1))
    with broker_back():
        result = outbox_relay()
        assert (result.sent, result.given_up) == (0, 1)
        assert (outbox_relay().sent, outbox_relay().given_up) == (0, 0)  # said once
    entry.refresh_from_db()
    assert entry.sends == MAX_SENDS and entry.done_at is None
    assert "never completed" in entry.last_error
    _sent_ago(entry, SENT_KEPT + timedelta(minutes=1))
    outbox_relay()
    assert _outbox(tenant) == []  # a week after its last sending


def test_sent_entries_from_before_done_was_recorded_count_as_done(tenant):
    """The migration that added `done_at`: entries sent by then are not sent again."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tenants.migrations.0009_outbox_done")
    week_ago = timezone.now() - timedelta(days=6)
    sent = OutboxTask.objects.for_tenant(tenant).create(
        tenant=tenant, task_name="x", sent_at=week_ago
    )
    unsent = OutboxTask.objects.for_tenant(tenant).create(tenant=tenant, task_name="x")
    migration.sent_entries_are_done(apps, None)
    sent.refresh_from_db()
    unsent.refresh_from_db()
    assert (sent.done_at, sent.sends) == (week_ago, 1)
    assert (unsent.done_at, unsent.sends) == (None, 0)


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
