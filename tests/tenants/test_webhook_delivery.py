"""Webhook deliveries against a real local receiver: Standard Webhooks signatures verified
with the `standardwebhooks` library, retries after a 500 then success, idempotency by
webhook-id, 410 disabling the endpoint, two signatures during a secret rotation, the 5-day
failure rule with its email (through a real SMTP server), and the sweep."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from tenants.models import DeliveryStatus, OutboxTask, WebhookDelivery, WebhookEndpoint
from tenants.services import webhook_sending
from tenants.services.webhook_sending import (
    SCHEDULE,
    retry_delay,
    webhook_delivery_attempt,
    webhooks_due,
)
from tenants.services.webhooks import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_rotate_secret,
    webhook_event_emit,
)
from tenants.tasks import webhooks_sweep
from tests.smtp import smtp_server
from tests.tenants.webhook_receiver import receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_receivers(settings):
    """The development setting that lets a test's receiver on 127.0.0.1 get webhooks."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def _endpoint(tenant, url, **kwargs):
    return webhook_endpoint_create(
        tenant=tenant, url=url, event_types=["account.churned", "nps.answered"], **kwargs
    )


def _emit(tenant, capture, data=None):
    with capture(execute=True), transaction.atomic():
        webhook_event_emit(
            tenant=tenant, event_type="account.churned", data=data or {"account_id": 7}
        )
    return WebhookDelivery.objects.for_tenant(tenant).latest("pk")


def _verify(secret: str, request) -> dict:
    return Webhook(secret).verify(request.body, request.headers)


def test_signed_delivery_is_retried_after_a_500_then_succeeds_once(
    tenant, local_receivers, django_capture_on_commit_callbacks
):
    with receiver(500, 200) as hook:
        endpoint = _endpoint(tenant, hook.url)
        # Sent after commit through the task outbox: the first attempt, answered 500.
        delivery = _emit(tenant, django_capture_on_commit_callbacks)
        assert len(hook.requests) == 1
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.attempts == 1 and delivery.response_status == 500
        assert delivery.response_body == "ok"
        wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
        assert SCHEDULE[1] * 0.9 <= wait <= SCHEDULE[1] * 1.1  # 5 s, with jitter
        # Not due yet: nothing is sent.
        assert webhook_delivery_attempt(tenant=tenant, delivery_id=delivery.pk) is None
        later = delivery.next_attempt_at + timedelta(seconds=1)
        status = webhook_delivery_attempt(tenant=tenant, delivery_id=delivery.pk, now=later)
        assert status == DeliveryStatus.SUCCEEDED
        # Succeeded: never sent again, whoever asks.
        assert webhook_delivery_attempt(tenant=tenant, delivery_id=delivery.pk, now=later) is None
        assert len(hook.requests) == 2

    first, second = hook.requests
    for request in hook.requests:
        assert _verify(endpoint.secret, request) == {
            "type": "account.churned",
            "timestamp": request_timestamp(request),
            "data": {"account_id": 7},
        }
        assert request.headers["webhook-signature"].startswith("v1,")
        assert request.headers["Content-Type"] == "application/json"
    # One message, one webhook-id: a receiver deduplicates the retry by it.
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.headers["webhook-id"].startswith("msg_")
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.response_status == 200
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def request_timestamp(request) -> str:
    import json

    return json.loads(request.body)["timestamp"]


def test_a_wrong_secret_does_not_verify(
    tenant, local_receivers, django_capture_on_commit_callbacks
):
    from standardwebhooks.webhooks import WebhookVerificationError

    with receiver(200) as hook:
        _endpoint(tenant, hook.url)
        _emit(tenant, django_capture_on_commit_callbacks)
    other = webhook_endpoint_create(
        tenant=tenant, url="https://8.8.8.8/hooks", event_types=["task.opened"]
    )
    with pytest.raises(WebhookVerificationError):
        _verify(other.secret, hook.requests[0])


def test_410_disables_the_endpoint(tenant, local_receivers, django_capture_on_commit_callbacks):
    with receiver(410) as hook:
        endpoint = _endpoint(tenant, hook.url)
        delivery = _emit(tenant, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason == "gone"
    assert delivery.status == DeliveryStatus.FAILED and delivery.response_status == 410
    assert delivery.next_attempt_at is None
    # A disabled endpoint gets no new deliveries.
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_event_emit(tenant=tenant, event_type="account.churned", data={}) == 0


def test_rotation_sends_both_signatures(
    tenant, local_receivers, django_capture_on_commit_callbacks
):
    with receiver(200) as hook:
        endpoint = _endpoint(tenant, hook.url)
        old_secret = endpoint.secret
        endpoint = webhook_endpoint_rotate_secret(tenant=tenant, endpoint=endpoint)
        assert endpoint.secret != old_secret and endpoint.secret.startswith("whsec_")
        _emit(tenant, django_capture_on_commit_callbacks)
        # After the overlap, only the new secret signs.
        WebhookEndpoint.objects.for_tenant(tenant).filter(pk=endpoint.pk).update(
            previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
        )
        _emit(tenant, django_capture_on_commit_callbacks)
    during, after = hook.requests
    signatures = during.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    _verify(endpoint.secret, during)
    _verify(old_secret, during)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    _verify(endpoint.secret, after)


def test_failing_for_five_days_disables_and_emails_the_admins(
    tenant, owner, member, local_receivers, settings, django_capture_on_commit_callbacks
):
    with smtp_server() as (port, inbox), receiver(500) as hook:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        endpoint = _endpoint(tenant, hook.url)
        first = _emit(tenant, django_capture_on_commit_callbacks)
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None and endpoint.enabled
        # Five days of failures later, the next failure disables the endpoint.
        WebhookEndpoint.objects.for_tenant(tenant).filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - timedelta(days=5, minutes=1)
        )
        pending = _emit(tenant, django_capture_on_commit_callbacks, {"account_id": 8})
        with django_capture_on_commit_callbacks(execute=True):
            later = timezone.now() + timedelta(seconds=10)
            webhook_delivery_attempt(tenant=tenant, delivery_id=first.pk, now=later)
        endpoint.refresh_from_db()
        assert not endpoint.enabled and endpoint.disabled_reason == "failing"
        pending.refresh_from_db()
        assert pending.status == DeliveryStatus.FAILED  # nothing waits for a disabled endpoint
        assert len(inbox) == 1
        (message,) = inbox
        assert message["To"] == "owner@acme.test"  # owners and admins, not the CSM
        assert hook.url in message.get_content()


def test_a_success_clears_failing_since(
    tenant, local_receivers, django_capture_on_commit_callbacks
):
    with receiver(500, 200) as hook:
        endpoint = _endpoint(tenant, hook.url)
        delivery = _emit(tenant, django_capture_on_commit_callbacks)
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None
        later = timezone.now() + timedelta(seconds=10)
        webhook_delivery_attempt(tenant=tenant, delivery_id=delivery.pk, now=later)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_the_schedule_ends_in_failure_after_eight_attempts():
    delays = [retry_delay(n) for n in range(len(SCHEDULE) + 1)]
    assert delays[-1] is None
    for delay, planned in zip(delays[:-1], SCHEDULE, strict=True):
        assert planned * 0.9 <= delay <= planned * 1.1
    assert [d for d in SCHEDULE] == [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    # Retry-After is honoured, up to the longest wait of the schedule.
    assert retry_delay(1, "120") == 120
    assert retry_delay(1, "999999") == 36000


def test_a_resend_sends_a_succeeded_delivery_again_with_its_webhook_id(
    tenant, local_receivers, django_capture_on_commit_callbacks
):
    with receiver(200) as hook:
        endpoint = _endpoint(tenant, hook.url)
        delivery = _emit(tenant, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            webhook_delivery_resend(tenant=tenant, delivery=delivery)
    assert len(hook.requests) == 2
    assert hook.requests[0].headers["webhook-id"] == hook.requests[1].headers["webhook-id"]
    _verify(endpoint.secret, hook.requests[1])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2


def test_the_sweep_sends_a_delivery_whose_task_was_lost(tenant, local_receivers):
    with receiver(200) as hook:
        _endpoint(tenant, hook.url)
        # Committed, but the task after commit never ran (a crash, the broker gone).
        with transaction.atomic():
            webhook_event_emit(tenant=tenant, event_type="account.churned", data={"a": 1})
        delivery = WebhookDelivery.objects.for_tenant(tenant).get()
        assert OutboxTask.objects.for_tenant(tenant).filter(sent_at__isnull=True).count() == 1
        assert webhooks_due() == [(tenant.pk, delivery.pk)]
        assert webhooks_sweep() == 1
        assert webhooks_sweep() == 0  # sent: nothing due any more
    assert len(hook.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED


def test_a_large_slow_response_is_cut_to_64_kb_and_logged_to_1_kb(
    tenant, local_receivers, django_capture_on_commit_callbacks
):
    with receiver(500, response_body=b"x" * 200_000) as hook:
        _endpoint(tenant, hook.url)
        delivery = _emit(tenant, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.response_status == 500 and len(delivery.response_body) == 1024


def test_the_slack_format_sends_a_text_message(
    tenant, local_receivers, django_capture_on_commit_callbacks
):
    import json

    with receiver(200) as hook:
        _endpoint(tenant, hook.url, format="slack")
        _emit(tenant, django_capture_on_commit_callbacks, {"account_name": "Initech"})
    body = json.loads(hook.requests[0].body)
    assert set(body) == {"text"}
    assert "account.churned" in body["text"] and "Initech" in body["text"]


def test_a_connection_refused_is_a_failure_retried_later(
    tenant, local_receivers, django_capture_on_commit_callbacks
):
    with receiver(200) as hook:
        url = hook.url
    _endpoint(tenant, url)  # the receiver is gone: nothing listens there
    delivery = _emit(tenant, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_status is None
    assert delivery.error.startswith("No answer")


def test_redirects_are_not_followed(tenant, local_receivers, django_capture_on_commit_callbacks):
    with receiver(302) as hook:
        _endpoint(tenant, hook.url)
        delivery = _emit(tenant, django_capture_on_commit_callbacks)
    assert len(hook.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_status == 302


def test_the_sending_module_uses_fifteen_seconds_and_64_kb():
    from tenants.webhooks import http

    assert http.TIMEOUT == 15 and http.MAX_READ == 64 * 1024
    assert webhook_sending.FAILING_LIMIT == timedelta(days=5)


def test_with_the_broker_down_the_event_waits_and_is_delivered_once_it_is_back(
    tenant, local_receivers, broker_down, django_capture_on_commit_callbacks
):
    from tenants.tenancy.outbox import outbox_relay
    from tests.conftest import broker_back

    with receiver(200) as hook:
        _endpoint(tenant, hook.url)
        delivery = _emit(tenant, django_capture_on_commit_callbacks)
        assert hook.requests == []  # the change committed; its send waits in the outbox
        with broker_back():
            assert outbox_relay().sent == 1
            assert outbox_relay().sent == 0
            assert webhooks_sweep() == 0  # delivered: nothing due for the sweep
    assert len(hook.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
