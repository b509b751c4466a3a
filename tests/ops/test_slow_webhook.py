"""A webhook receiver that hangs slows nothing else down.

Real worker processes as `make run` and docker-compose start them: one for the webhook
deliveries' queue, one for every other queue. A real HTTP receiver takes each delivery and
never answers until the test ends. While its first delivery hangs, the event API stores a
batch and the other worker sends an invitation email; the delivery's attempt then gives up
on its own (a bounded timeout), is recorded as failed with its retry scheduled, and the
retry reaches the receiver with the same webhook-id. Nothing here measures time: each
assertion is about the order things happened in.
"""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from csplatform.celery import app as celery_app
from metrics.models import UsageEvent
from tenants.models import DeliveryStatus, WebhookDelivery
from tenants.services.invitations import invitation_create
from tenants.services.webhooks import webhook_endpoint_create, webhook_event_emit
from tenants.tasks import webhook_delivery_send
from tests.conftest import worker_start, worker_stop
from tests.ops.processes import WAIT, until

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL = {"WEBHOOK_ALLOW_HTTP": "1", "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32"}


@contextmanager
def hanging_receiver():
    """An HTTP server that takes each POST and answers only once `release` is set; `arrived`
    holds each request's webhook-id, in order."""
    release, arrived = threading.Event(), []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            arrived.append(self.headers.get("webhook-id"))
            release.wait(WAIT)
            try:
                self.send_response(200)
                self.end_headers()
            except OSError:
                pass  # the sender gave up long ago

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks", release, arrived
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def test_a_hanging_receiver_slows_nothing_else(tenant, owner, api, settings, tmp_path):
    settings.WEBHOOK_ALLOW_HTTP, settings.WEBHOOK_ALLOWED_NETWORKS = True, ["127.0.0.1/32"]
    # A queue of its own, by the application's routers.
    route = celery_app.amqp.router.route({}, webhook_delivery_send.name, args=(1, 2))
    assert route["queue"].name == settings.CELERY_WEBHOOK_QUEUE
    with hanging_receiver() as (url, release, arrived):
        endpoint = webhook_endpoint_create(tenant=tenant, url=url, event_types=["nps.answered"])
        workers = [
            worker_start(tmp_path, settings, env=LOCAL),
            worker_start(tmp_path, settings, queue=settings.CELERY_WEBHOOK_QUEUE, env=LOCAL),
        ]
        celery_app.conf.task_always_eager = False
        try:
            with transaction.atomic():  # queued after the commit, as every emitter does
                webhook_event_emit(tenant=tenant, event_type="nps.answered", data={"n": 1})
            first = WebhookDelivery.objects.for_tenant(tenant).order_by("pk").first()
            until(lambda: arrived, workers=workers, what="delivery at the receiver")
            stuck = first.message.msg_id
            assert arrived == [stuck]

            # While the receiver holds the first delivery: the event API stores a batch...
            now = timezone.now().isoformat()
            batch = [
                {"message_id": f"m-{n}", "event": "Report Exported", "timestamp": now,
                 "account_external_id": "a"}
                for n in range(5)
            ]  # fmt: skip
            response = api.post("/api/v1/events/batch/", {"events": batch}, format="json")
            assert response.status_code == 200, response.content
            assert response.json()["accepted"] == 5
            assert UsageEvent.objects.for_tenant(tenant).count() == 5
            # ... and the other worker sends an email.
            invitation = invitation_create(
                tenant=tenant, email="new@acme.test", role="csm", invited_by=owner
            )

            def sent():
                invitation.refresh_from_db()
                return invitation.sent_at is not None

            until(sent, workers=workers, what="invitation email")
            assert len(list(tmp_path.glob("*.log"))) == 1
            first.refresh_from_db()
            assert (first.status, first.response_status, first.error) == (
                DeliveryStatus.PENDING,
                None,
                "",
            ), "the email waited for the hanging delivery"
            assert not release.is_set() and arrived == [stuck]

            # The hanging attempt gives up by itself and is recorded as failed, its retry
            # scheduled; the receiver never answered.
            def recorded():
                first.refresh_from_db()
                return first.error

            until(recorded, workers=workers, what="failed attempt recorded")
            assert not release.is_set()
            assert first.status == DeliveryStatus.PENDING and first.attempts == 1
            assert first.error.startswith("No answer:") and first.response_status is None
            assert first.next_attempt_at > first.last_attempt_at
            assert endpoint.pk == first.endpoint_id
            # The retry reaches the receiver again, with the same webhook-id.
            until(lambda: len(arrived) == 2, workers=workers, what="retry")
            assert arrived == [stuck, stuck]
        finally:
            release.set()
            celery_app.conf.task_always_eager = True
            for process in workers:
                worker_stop(process)
