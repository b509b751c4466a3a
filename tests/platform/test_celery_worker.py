"""A real Celery worker process, over the real Redis, does tenant work visible in PostgreSQL."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from accounts.models import Invitation
from accounts.services.invitations import invitation_create
from csplatform.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    host = quote(s["HOST"] or "", safe="")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{s['USER']}@{host}{port}/{s['NAME']}"


@pytest.fixture
def worker(tmp_path, settings):
    """A worker consuming only this test process's queue, with mail written to files."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csplatform.settings_test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "csplatform", "worker", "-Q", queue,
         "--pool", "solo", "-l", "warning", "--without-heartbeat", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        output, _ = process.communicate(timeout=30)
        print(output)


@pytest.mark.django_db(transaction=True)
def test_invitation_is_emailed_by_a_real_worker(tenant, owner, worker, tmp_path):
    invitation, token = invitation_create(
        tenant=tenant, email="new@acme.test", role="csm", invited_by=owner
    )  # autocommit: the task is queued right after the commit
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
    assert f"/invitations/{token}/" in mails[0].read_text()
    # Delivered again (a retry or a redelivery), the task changes nothing.
    from accounts.tasks import send_invitation

    assert send_invitation.apply(args=[tenant.pk, invitation.pk, token]).get() is False
    assert Invitation.objects.for_tenant(tenant).get().sent_at == invitation.sent_at
