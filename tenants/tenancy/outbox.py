"""The transactional outbox of tenant tasks: written with the caller's rows, sent after commit.

`enqueue_on_commit` records the task as an `OutboxTask` in the caller's transaction and tries
to hand it to the broker as soon as that transaction commits. If the broker (Redis) cannot
be reached the error is logged and the request still succeeds: the task is in the database,
and the relay sends it once the broker is back (Celery beat every minute, a worker when it
starts, `manage.py outbox_relay`). Delivery is at least once, so every task queued this way
must be idempotent.

An entry is done when its task has run, not when the broker took it: the message names its
entry (the `outbox_entry` header), and `@tenant_task` marks the entry done once the task
returns, or does nothing if the entry is done already (a duplicate). A message the broker
lost (Redis restarted without its data, before a worker ran it) or whose task failed leaves
its entry not done, and the relay sends it again `REDELIVER_AFTER` its last sending, up to
`MAX_SENDS` sendings in all; then its `last_error` says it never completed, for an operator.

Whoever sends an entry holds its row lock (`SELECT ... FOR UPDATE SKIP LOCKED`) from the
look-up until it is marked sent, so the send after commit and any number of relays never
hand one entry to the broker twice at once; only a crash between the broker taking it and
the mark committing, or a task still queued or running when `REDELIVER_AFTER` has passed,
sends it again.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from celery.exceptions import NotRegistered
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from tenants.models import OutboxTask, Tenant
from tenants.tenancy.context import cross_tenant, tenant_scope

logger = logging.getLogger(__name__)

# What an unreachable broker raises: kombu wraps connection failures in its OperationalError;
# a connection that breaks while publishing raises redis-py's or the socket's own.
BROKER_ERRORS = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, OSError)
RELAY_BATCH = 100
# Done entries, and those given up, are kept a while, for an operator to see what went out
# when.
SENT_KEPT = timedelta(days=7)
# A sent entry not done this long after it was sent is sent again: its message was lost or
# its task failed. Longer than a task may run (the hard time limit is 30 minutes,
# csplatform/celery.py) plus the wait in a busy queue (a nightly fan-out), than Celery's own
# retries of a task may go on (8, backing off up to 30 minutes: about 3 hours) and than
# Redis's visibility timeout (2 hours), so that a task still queued, running or retrying is
# rarely sent twice; when it is, the copy finds its entry done and does nothing.
REDELIVER_AFTER = timedelta(hours=4)
# Sendings of one entry in all: a task that failed that many times, hours apart, needs an
# operator rather than another try.
MAX_SENDS = 5
# The message header naming the outbox entry, read by `@tenant_task` (tenants/tenancy/tasks.py).
ENTRY_HEADER = "outbox_entry"


@dataclass(frozen=True)
class RelayResult:
    sent: int  # sendings, of new entries and again of entries never done
    waiting: int  # entries still not sent
    error: str = ""  # the broker's error when it could not be reached
    resent: int = 0  # of `sent`, entries sent again
    given_up: int = 0  # entries sent MAX_SENDS times and never done, now left to an operator


def enqueue_on_commit(task, tenant: Tenant, *args, **kwargs) -> OutboxTask:
    """Queue `task` for `tenant`: recorded now, in the current transaction, and sent to the
    broker once it commits (never before). Arguments must be JSON values and never secrets."""
    with tenant_scope(tenant):
        entry = OutboxTask.objects.create(
            tenant=tenant, task_name=task.name, args=[tenant.pk, *args], kwargs=kwargs
        )
    # robust: whatever happens while sending, the caller's committed work stands and the
    # relay sends the entry later.
    transaction.on_commit(lambda: outbox_task_send(tenant=tenant, entry_id=entry.pk), robust=True)
    return entry


def enqueue_many_on_commit(task, tenant: Tenant, args_list: list) -> list[OutboxTask]:
    """`enqueue_on_commit` of `task` once per argument tuple of `args_list`, recorded with
    one insert (a nightly run queues thousands)."""
    if not args_list:
        return []
    with tenant_scope(tenant):
        entries = OutboxTask.objects.bulk_create(
            [
                OutboxTask(tenant=tenant, task_name=task.name, args=[tenant.pk, *args], kwargs={})
                for args in args_list
            ]
        )

    def send_all():
        for entry in entries:
            outbox_task_send(tenant=tenant, entry_id=entry.pk)

    transaction.on_commit(send_all, robust=True)
    return entries


def outbox_task_send(*, tenant: Tenant, entry_id: int) -> bool:
    """Hand one entry to the broker now; False when it is sent already, a relay holds it or
    the broker cannot be reached (then it waits for the relay)."""
    # After commit the caller's tenant may no longer be active: the entry's tenant is.
    with tenant_scope(tenant), transaction.atomic():
        entry = (
            OutboxTask.objects.select_for_update(skip_locked=True)
            .filter(pk=entry_id, sent_at__isnull=True)
            .first()
        )
        if entry is None:
            return False
        _publish(entry)
        return entry.sent_at is not None


def outbox_relay(*, batch: int = RELAY_BATCH) -> RelayResult:
    """Send every entry the broker could not take when it was queued, oldest first."""
    return _relay_across_tenants(batch=batch)


def _relay_across_tenants(*, batch: int) -> RelayResult:
    """The relay reads and marks every tenant's entries: the one cross-tenant use of the
    outbox. Each batch is claimed with FOR UPDATE SKIP LOCKED, so that relays running at
    once (beat, a starting worker, the command) and the send after commit share the work
    without sending an entry twice."""
    with cross_tenant():
        return _relay(batch=batch)


def _relay(*, batch: int) -> RelayResult:
    every_tenant = OutboxTask.objects.unscoped()
    now = timezone.now()
    kept_since = now - SENT_KEPT
    # Done entries, and entries given up (sent MAX_SENDS times, never done), a week on.
    every_tenant.filter(
        Q(done_at__lt=kept_since)
        | Q(done_at__isnull=True, sends__gte=MAX_SENDS, sent_at__lt=kept_since)
    ).delete()
    pending = every_tenant.filter(sent_at__isnull=True)
    sent, error = _send_all(pending, batch=batch)
    # Sent long ago and never done: the message was lost, or the task failed.
    stalled = every_tenant.filter(done_at__isnull=True, sent_at__lt=now - REDELIVER_AFTER)
    resent = 0
    if error is None:
        resent, error = _send_all(stalled.filter(sends__lt=MAX_SENDS), batch=batch)
    given_up = stalled.filter(sends__gte=MAX_SENDS, last_error="").update(
        last_error=f"Sent {MAX_SENDS} times and never completed; not sent again."
    )
    if given_up:
        logger.error(
            "Outbox: %s entries sent %s times never completed; not sent again", given_up, MAX_SENDS
        )
    waiting = pending.count()
    if sent or resent or error:
        logger.info("Outbox relay: %s sent, %s sent again, %s waiting", sent, resent, waiting)
    return RelayResult(
        sent=sent + resent, waiting=waiting, error=error or "", resent=resent, given_up=given_up
    )


def _send_all(entries, *, batch: int) -> tuple[int, str | None]:
    """Send `entries`, oldest first, a batch per transaction: how many the broker took, and
    its error if it could not be reached (then the rest wait for the next relay)."""
    sent, after, error = 0, 0, None
    while error is None:
        with transaction.atomic():
            claimed = list(
                entries.filter(pk__gt=after)
                .order_by("pk")
                .select_for_update(skip_locked=True)[:batch]
            )
            for entry in claimed:
                after = entry.pk
                sends = entry.sends
                error = _publish(entry)
                if error is not None:
                    break  # the broker is away: the rest would fail the same way
                sent += entry.sends > sends
        if len(claimed) < batch:
            break
    return sent, error


def _publish(entry: OutboxTask) -> str | None:
    """Send a locked entry to the broker and mark it sent; the broker's error, if it could
    not be reached (None otherwise, the entry is then sent or names its problem)."""
    entry.attempts += 1
    entry.last_attempt_at = timezone.now()
    try:
        task = _task(entry.task_name)
    except NotRegistered:
        # Not a task of this version: kept for an operator, and skipped by the relay.
        entry.last_error = f"No task named {entry.task_name!r} is registered."
        entry.save(update_fields=["attempts", "last_attempt_at", "last_error"])
        logger.error("Outbox entry %s: %s", entry.pk, entry.last_error)
        return None
    try:
        # No publish retries: a request waits for one short connection attempt at most
        # (broker_connection_timeout and socket_connect_timeout, csplatform/celery.py).
        task.apply_async(
            args=entry.args, kwargs=entry.kwargs, headers={ENTRY_HEADER: entry.pk}, retry=False
        )
    except BROKER_ERRORS as failure:
        entry.last_error = f"{type(failure).__name__}: {failure}"[:2000]
        entry.save(update_fields=["attempts", "last_attempt_at", "last_error"])
        logger.warning(
            "The broker did not take %s (outbox entry %s); the relay sends it later: %s",
            entry.task_name,
            entry.pk,
            entry.last_error,
        )
        return entry.last_error
    # Not `done_at`: a task run eagerly (tests) has marked it done already.
    entry.sent_at = timezone.now()
    entry.sends += 1
    entry.last_error = ""
    entry.save(update_fields=["attempts", "last_attempt_at", "last_error", "sent_at", "sends"])
    return None


def outbox_entry_is_done(entry_id: int) -> bool:
    """Whether the active tenant's entry has run to completion already (its task, delivered
    again, has nothing to do)."""
    return OutboxTask.objects.filter(pk=entry_id, done_at__isnull=False).exists()


def outbox_entry_done(entry_id: int) -> bool:
    """Mark the active tenant's entry done, its task having run; False when it was already."""
    updated = OutboxTask.objects.filter(pk=entry_id, done_at__isnull=True).update(
        done_at=timezone.now()
    )
    return updated == 1


def _task(name: str):
    """The registered task of that name (the task modules are imported on first use)."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]
