"""Sending webhook deliveries: one attempt, the retry schedule, disabling failing endpoints,
and the sweep that sends whatever is due when a queued task was lost.

An attempt claims its delivery with a conditional UPDATE (pending and due), moving its next
attempt a lease ahead, so two workers never send one attempt and a killed worker's attempt
is taken up by the sweep once the lease has passed. A delivery that succeeded is never sent
again (only "resend" makes it pending).
"""

import json
import logging
import random
from datetime import timedelta

import urllib3
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import (
    MANAGE_ROLES,
    DeliveryStatus,
    DisabledReason,
    Membership,
    Tenant,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookFormat,
)
from tenants.services.webhooks import secrets_in_use, webhook_deliveries_cancel_pending
from tenants.tenancy.context import cross_tenant
from tenants.webhooks import http
from tenants.webhooks.signing import signed_headers
from tenants.webhooks.slack import slack_body
from tenants.webhooks.url_guard import UnsafeURL, url_resolve_checked

logger = logging.getLogger(__name__)

# Seconds before each attempt of a round: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
SCHEDULE = (0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
JITTER = 0.1  # each delay varies by up to 10% either way
# How long a claimed attempt may run before the sweep may take it again.
LEASE = timedelta(minutes=2)
FAILING_LIMIT = timedelta(days=5)
THROTTLED = {429, 502, 503, 504}  # their Retry-After is honoured
SWEEP_BATCH = 500


def retry_delay(round_attempts: int, retry_after: str | None = None) -> float | None:
    """Seconds until the next attempt after `round_attempts` failed ones, None when the
    schedule is spent."""
    if round_attempts >= len(SCHEDULE):
        return None
    delay = SCHEDULE[round_attempts] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311
    if retry_after and retry_after.strip().isdecimal():
        delay = max(delay, min(int(retry_after.strip()), SCHEDULE[-1]))
    return delay


def _body(delivery: WebhookDelivery) -> str:
    payload = delivery.message.payload
    if delivery.endpoint.format == WebhookFormat.SLACK:
        payload = slack_body(payload)
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _claim(tenant: Tenant, delivery_id: int, now) -> WebhookDelivery | None:
    claimed = (
        WebhookDelivery.objects.for_tenant(tenant)
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .update(
            next_attempt_at=now + LEASE,
            attempts=F("attempts") + 1,
            round_attempts=F("round_attempts") + 1,
            last_attempt_at=now,
        )
    )
    if not claimed:
        return None
    return (
        WebhookDelivery.objects.for_tenant(tenant)
        .select_related("endpoint", "message")
        .get(pk=delivery_id)
    )


def webhook_delivery_attempt(*, tenant: Tenant, delivery_id: int, now=None) -> str | None:
    """Make the due attempt of one delivery; its status afterwards, None when it was not
    due (sent already, claimed by another worker, or not yet time)."""
    now = now or timezone.now()
    delivery = _claim(tenant, delivery_id, now)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        _finish(tenant, delivery, now, error=_("The endpoint is disabled."))
        return DeliveryStatus.FAILED
    body = _body(delivery)
    headers = signed_headers(
        msg_id=delivery.message.msg_id,
        timestamp=now,
        body=body,
        secrets_in_use=secrets_in_use(endpoint, now),
    )
    response, error = None, ""
    try:
        target = url_resolve_checked(endpoint.url)
        response = http.post(target, body=body.encode(), headers=headers)
    except UnsafeURL as refused:
        error = str(refused)
    except (OSError, urllib3.exceptions.HTTPError) as failure:
        error = _("No answer: %(error)s") % {"error": type(failure).__name__}
    return _record(tenant, delivery.pk, now, response, error)


@transaction.atomic
def _record(tenant, delivery_id, now, response, error) -> str:
    delivery = (
        WebhookDelivery.objects.for_tenant(tenant)
        .select_for_update()
        .select_related("endpoint")
        .get(pk=delivery_id)
    )
    endpoint = (
        WebhookEndpoint.objects.for_tenant(tenant).select_for_update().get(pk=delivery.endpoint_id)
    )
    if response is not None:
        delivery.response_status = response.status
        delivery.response_body = response.body[: http.KEPT].decode("utf-8", errors="replace")
    else:
        delivery.response_status, delivery.response_body = None, ""
    if response is not None and 200 <= response.status < 300:
        delivery.status, delivery.succeeded_at = DeliveryStatus.SUCCEEDED, now
        delivery.next_attempt_at, delivery.error = None, ""
        delivery.save()
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(update_fields=["failing_since"])
        return delivery.status
    if response is not None and response.status == 410:
        _finish(tenant, delivery, now, error=_("The endpoint answered 410 Gone: it is disabled."))
        _disable(tenant, endpoint, DisabledReason.GONE, now)
        return DeliveryStatus.FAILED
    if response is not None:
        error = _("The endpoint answered %(status)d.") % {"status": response.status}
    delivery.error = error[:500]
    delay = retry_delay(delivery.round_attempts, response and response.retry_after)
    if delay is None:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + timedelta(seconds=delay)
    delivery.save()
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
    elif now - endpoint.failing_since >= FAILING_LIMIT:
        _disable(tenant, endpoint, DisabledReason.FAILING, now)
        delivery.refresh_from_db()
        transaction.on_commit(lambda: _email_disabled(tenant, endpoint), robust=True)
    if delivery.status == DeliveryStatus.PENDING:
        transaction.on_commit(lambda: _queue_retry(tenant, delivery.pk, delay), robust=True)
    return delivery.status


def _finish(tenant, delivery, now, *, error: str) -> None:
    delivery.status, delivery.next_attempt_at, delivery.error = DeliveryStatus.FAILED, None, error
    delivery.save(
        update_fields=["status", "next_attempt_at", "error", "response_status", "response_body"]
    )


def _disable(tenant, endpoint, reason, now) -> None:
    endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = False, reason, now
    endpoint.save(update_fields=["enabled", "disabled_reason", "disabled_at"])
    webhook_deliveries_cancel_pending(tenant=tenant, endpoint=endpoint)


def _queue_retry(tenant: Tenant, delivery_id: int, delay: float) -> None:
    """Queue the next attempt; if the broker cannot take it, the sweep sends it when due."""
    from tenants.tasks import webhook_delivery_send

    try:
        webhook_delivery_send.apply_async((tenant.pk, delivery_id), countdown=delay, retry=False)
    except Exception:  # noqa: BLE001 - the row says when it is due; the sweep sends it
        logger.warning("Webhook delivery %s: retry not queued; the sweep sends it", delivery_id)


def _email_disabled(tenant: Tenant, endpoint: WebhookEndpoint) -> None:
    """Tell the tenant's owners and admins that an endpoint was disabled after 5 days."""
    recipients = list(
        Membership.objects.for_tenant(tenant)
        .filter(role__in=MANAGE_ROLES)
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return
    link = f"{settings.SITE_URL}/settings/webhooks/{endpoint.pk}/"
    send_mail(
        _("A webhook endpoint of %(tenant)s was disabled") % {"tenant": tenant.name},
        _(
            "The webhook endpoint %(url)s failed every delivery for 5 days, so it was "
            "disabled and receives no more events. Once it works again, enable it and "
            "resend the deliveries it missed: %(link)s"
        )
        % {"url": endpoint.url, "link": link},
        None,
        recipients,
    )


def webhooks_due(*, now=None, batch: int = SWEEP_BATCH) -> list[tuple[int, int]]:
    """(tenant id, delivery id) of pending deliveries due now, of every tenant: the sweep
    queues them, so a lost task or a killed worker still delivers."""
    now = now or timezone.now()
    with cross_tenant():
        return list(
            WebhookDelivery.objects.unscoped()
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("tenant_id", "pk")[:batch]
        )
