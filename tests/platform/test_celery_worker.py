"""A real Celery worker process, over the real Redis, does tenant work visible in PostgreSQL."""

import re
import time

import pytest
from django.utils import timezone

from tenants.models import Invitation, OutboxTask
from tenants.models.invitation import hash_token
from tenants.services.invitations import invitation_create
from tenants.tenancy.outbox import REDELIVER_AFTER
from tests.conftest import UNREACHABLE_BROKER, _purge_test_queue, broker, broker_back


def _until_done(tenant, worker) -> OutboxTask:
    """The tenant's one outbox entry, once the worker has marked it done."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        entry = OutboxTask.objects.for_tenant(tenant).get()
        if entry.done_at is not None:
            return entry
        assert worker.poll() is None, "the worker died"
        time.sleep(0.2)
    raise AssertionError("the worker did not mark the outbox entry done")


@pytest.mark.django_db(transaction=True)
def test_invitation_is_emailed_by_a_real_worker(tenant, owner, worker, tmp_path):
    invitation = invitation_create(
        tenant=tenant, email="new@acme.test", role="csm", invited_by=owner
    )  # autocommit: the task is sent right after the commit
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        invitation.refresh_from_db()
        if invitation.sent_at is not None:
            break
        assert worker.poll() is None, "the worker died"
        time.sleep(0.2)
    assert invitation.sent_at is not None, "the worker did not mark the invitation sent"
    mails = list(tmp_path.glob("*.log"))
    assert len(mails) == 1
    token = re.search(r"/invitations/([^/\s]+)/", mails[0].read_text()).group(1)
    assert invitation.token_hash == hash_token(token)
    assert _until_done(tenant, worker).sends == 1  # the message named its entry
    # Delivered again (a retry or a redelivery), the task changes nothing.
    from tenants.tasks import send_invitation

    assert send_invitation.apply(args=[tenant.pk, invitation.pk]).get() is False
    assert Invitation.objects.for_tenant(tenant).get().sent_at == invitation.sent_at


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_sends_what_waited_for_the_broker(tenant, owner, request, tmp_path):
    with broker(UNREACHABLE_BROKER, eager=False):  # Redis is down
        invitation = invitation_create(
            tenant=tenant, email="new@acme.test", role="csm", invited_by=owner
        )
    assert OutboxTask.objects.for_tenant(tenant).get().sent_at is None
    worker = request.getfixturevalue("worker")  # Redis is back, and a worker starts
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and invitation.sent_at is None:
        assert worker.poll() is None, "the worker died"
        time.sleep(0.2)
        invitation.refresh_from_db()
    assert invitation.sent_at is not None, "the outbox was not relayed when the worker started"
    assert _until_done(tenant, worker).sent_at is not None
    assert len(list(tmp_path.glob("*.log"))) == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_redis_lost_is_run_after_the_relay_sends_it_again(tenant, owner, request, tmp_path):
    with broker_back(eager=False):  # Redis takes the task, no worker runs yet
        _purge_test_queue()
        invitation = invitation_create(
            tenant=tenant, email="new@acme.test", role="csm", invited_by=owner
        )
        entry = OutboxTask.objects.for_tenant(tenant).get()
        assert entry.sent_at is not None and entry.done_at is None
        assert _purge_test_queue() == 1  # Redis restarted without its data: the task is lost
    # An hour on, the relay (run when the worker starts) sends it again.
    OutboxTask.objects.for_tenant(tenant).update(sent_at=timezone.now() - REDELIVER_AFTER * 2)
    worker = request.getfixturevalue("worker")
    entry = _until_done(tenant, worker)
    assert entry.sends == 2
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert len(list(tmp_path.glob("*.log"))) == 1


def test_tasks_keep_the_names_queued_messages_carry():
    """Messages queued before the platform moved to the tenants app name the old module."""
    from tenants.tasks import purge_expired_invitations, purge_expired_invitations_all
    from tenants.tasks import send_invitation as send

    assert send.name == "accounts.tasks.send_invitation"
    assert purge_expired_invitations.name == "accounts.tasks.purge_expired_invitations"
    assert purge_expired_invitations_all.name == "accounts.tasks.purge_expired_invitations_all"
