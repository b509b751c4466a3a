"""Outbound webhooks: endpoints (create, change, rotate the secret, switch on and off, send a
test), emitting events and resending a delivery.

`webhook_event_emit` / `webhook_events_emit` write the messages and one delivery per
subscribed endpoint in the caller's transaction, and queue their sending through the task
outbox: a change rolled back emits nothing, a change committed loses no event. With no
endpoint subscribed they cost one query.
"""

import json
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import (
    DeliveryStatus,
    DisabledReason,
    Tenant,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookFormat,
    WebhookMessage,
)
from tenants.tenancy.outbox import enqueue_many_on_commit, enqueue_on_commit
from tenants.webhooks.events import EVENT_TYPES, TEST_EVENT
from tenants.webhooks.signing import secret_new
from tenants.webhooks.url_guard import UnsafeURL, url_check

# How long the previous secret keeps signing after a rotation.
ROTATION_OVERLAP = timedelta(hours=24)
MAX_ENDPOINTS = 50


def _send_task():
    from tenants.tasks import webhook_delivery_send  # the task module imports this one

    return webhook_delivery_send


def _validate(*, url: str, event_types: list[str], format: str) -> None:
    errors = {}
    try:
        url_check(url)
    except UnsafeURL as error:
        errors["url"] = [str(error)]
    unknown = [event for event in event_types if event not in EVENT_TYPES]
    if unknown:
        errors["event_types"] = [
            _("Unknown event types: %(names)s.") % {"names": ", ".join(unknown)}
        ]
    elif not event_types:
        errors["event_types"] = [_("Choose at least one event type.")]
    if format not in WebhookFormat.values:
        errors["format"] = [_("Choose a known format.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def webhook_endpoint_create(
    *,
    tenant: Tenant,
    url: str,
    event_types: list[str],
    description: str = "",
    format: str = WebhookFormat.STANDARD,
    enabled: bool = True,
) -> WebhookEndpoint:
    event_types = list(dict.fromkeys(event_types))
    _validate(url=url, event_types=event_types, format=format)
    if WebhookEndpoint.objects.for_tenant(tenant).count() >= MAX_ENDPOINTS:
        raise ValidationError(
            {"url": [_("A tenant has at most %(count)d endpoints.") % {"count": MAX_ENDPOINTS}]}
        )
    return WebhookEndpoint.objects.create(
        tenant=tenant,
        url=url,
        description=description,
        event_types=event_types,
        format=format,
        secret=secret_new(),
        enabled=enabled,
        disabled_reason="" if enabled else DisabledReason.MANUAL,
        disabled_at=None if enabled else timezone.now(),
    )


@transaction.atomic
def webhook_endpoint_update(
    *, tenant: Tenant, endpoint: WebhookEndpoint, **changes
) -> WebhookEndpoint:
    """Change url, description, event_types, format or enabled."""
    endpoint = WebhookEndpoint.objects.for_tenant(tenant).select_for_update().get(pk=endpoint.pk)
    enabled = changes.pop("enabled", None)
    if "event_types" in changes:
        changes["event_types"] = list(dict.fromkeys(changes["event_types"]))
    values = {
        "url": changes.get("url", endpoint.url),
        "event_types": changes.get("event_types", endpoint.event_types),
        "format": changes.get("format", endpoint.format),
    }
    _validate(**values)
    for field in ("url", "description", "event_types", "format"):
        if field in changes:
            setattr(endpoint, field, changes[field])
    endpoint.save()
    if enabled is not None and enabled != endpoint.enabled:
        endpoint = _set_enabled(tenant, endpoint, enabled)
    return endpoint


def _set_enabled(tenant: Tenant, endpoint: WebhookEndpoint, enabled: bool) -> WebhookEndpoint:
    now = timezone.now()
    if enabled:
        endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = True, "", None
        endpoint.failing_since = None
    else:
        endpoint.enabled, endpoint.disabled_reason = False, DisabledReason.MANUAL
        endpoint.disabled_at = now
        webhook_deliveries_cancel_pending(tenant=tenant, endpoint=endpoint)
    endpoint.save(update_fields=["enabled", "disabled_reason", "disabled_at", "failing_since"])
    return endpoint


@transaction.atomic
def webhook_endpoint_set_enabled(
    *, tenant: Tenant, endpoint: WebhookEndpoint, enabled: bool
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.for_tenant(tenant).select_for_update().get(pk=endpoint.pk)
    if enabled == endpoint.enabled:
        return endpoint
    return _set_enabled(tenant, endpoint, enabled)


def webhook_deliveries_cancel_pending(*, tenant: Tenant, endpoint: WebhookEndpoint) -> int:
    """Pending deliveries of a disabled endpoint fail now (a resend can send them later)."""
    return (
        WebhookDelivery.objects.for_tenant(tenant)
        .filter(endpoint=endpoint, status=DeliveryStatus.PENDING)
        .update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            error=_("The endpoint is disabled."),
        )
    )


@transaction.atomic
def webhook_endpoint_delete(*, tenant: Tenant, endpoint: WebhookEndpoint) -> None:
    WebhookEndpoint.objects.for_tenant(tenant).filter(pk=endpoint.pk).delete()


@transaction.atomic
def webhook_endpoint_rotate_secret(*, tenant: Tenant, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret signs from now on; the previous one signs too for ROTATION_OVERLAP, so
    messages carry both signatures while receivers switch."""
    endpoint = WebhookEndpoint.objects.for_tenant(tenant).select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = secret_new()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return endpoint


def secrets_in_use(endpoint: WebhookEndpoint, now=None) -> list[str]:
    """The secrets that sign a message now: the current one, and the previous one until it
    expires."""
    now = now or timezone.now()
    in_use = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        in_use.append(endpoint.previous_secret)
    return in_use


def _payload(event_type: str, data: dict, now) -> dict:
    # Through JSON once: dates, decimals and ids become what every attempt sends.
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return {"type": event_type, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data}


def _msg_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def webhook_event_emit(*, tenant: Tenant, event_type: str, data: dict) -> int:
    """Emit one event; the number of deliveries it makes."""
    return webhook_events_emit(tenant=tenant, event_type=event_type, items=[data])


def webhook_events_emit(*, tenant: Tenant, event_type: str, items) -> int:
    """Emit one event of `event_type` per item of `items`, in the current transaction: one
    query when no endpoint subscribes, a fixed number of inserts otherwise. `items` is a
    list of data dicts, or a function returning one, called only when some endpoint
    subscribes (so callers read what the data needs only then)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown webhook event type {event_type!r}.")
    if isinstance(items, list) and not items:
        return 0
    endpoint_ids = list(
        WebhookEndpoint.objects.for_tenant(tenant)
        .filter(enabled=True, event_types__contains=[event_type])
        .values_list("pk", flat=True)
    )
    if not endpoint_ids:
        return 0
    if callable(items):
        items = items()
        if not items:
            return 0
    now = timezone.now()
    with transaction.atomic():
        messages = WebhookMessage.objects.for_tenant(tenant).bulk_create(
            [
                WebhookMessage(
                    tenant=tenant,
                    msg_id=_msg_id(),
                    event_type=event_type,
                    payload=_payload(event_type, data, now),
                )
                for data in items
            ]
        )
        return len(_deliveries_create(tenant, messages, endpoint_ids, now))


def _deliveries_create(tenant, messages, endpoint_ids, now) -> list[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.for_tenant(tenant).bulk_create(
        [
            WebhookDelivery(
                tenant=tenant,
                endpoint_id=endpoint_id,
                message_id=message.pk,
                next_attempt_at=now,
            )
            for message in messages
            for endpoint_id in endpoint_ids
        ]
    )
    enqueue_many_on_commit(_send_task(), tenant, [(delivery.pk,) for delivery in deliveries])
    return deliveries


@transaction.atomic
def webhook_endpoint_test(*, tenant: Tenant, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a `webhook.test` message to this endpoint only."""
    if not endpoint.enabled:
        raise ValidationError(_("Enable the endpoint before sending a test."))
    now = timezone.now()
    message = WebhookMessage.objects.create(
        tenant=tenant,
        msg_id=_msg_id(),
        event_type=TEST_EVENT,
        payload=_payload(
            TEST_EVENT,
            {"endpoint_id": endpoint.pk, "text": _("This is a test message from csplatform.")},
            now,
        ),
    )
    return _deliveries_create(tenant, [message], [endpoint.pk], now)[0]


@transaction.atomic
def webhook_delivery_resend(*, tenant: Tenant, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, with its own `webhook-id` (receivers may deduplicate by it),
    starting a new round of the retry schedule."""
    delivery = (
        WebhookDelivery.objects.for_tenant(tenant)
        .select_for_update()
        .select_related("endpoint")
        .get(pk=delivery.pk)
    )
    if not delivery.endpoint.enabled:
        raise ValidationError(_("Enable the endpoint before resending to it."))
    delivery.status = DeliveryStatus.PENDING
    delivery.round_attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.error = ""
    delivery.save(update_fields=["status", "round_attempts", "next_attempt_at", "error"])
    enqueue_on_commit(_send_task(), tenant, delivery.pk)
    return delivery
