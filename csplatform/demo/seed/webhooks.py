"""A demo webhook endpoint with a short delivery log, so the Webhooks pages show something.

The endpoint is disabled and points at an example address that receives nothing; its log
rows are finished (succeeded or failed), so the sweep never tries to send them.
"""

import uuid
from collections import Counter
from datetime import datetime, timedelta

from tenants.models import (
    DeliveryStatus,
    DisabledReason,
    Tenant,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from tenants.webhooks.signing import secret_new

DEMO_URL = "https://hooks.example.com/csplatform-demo"
# (event type, data, status, response status, response body, attempts, minutes ago)
DEMO_LOG = [
    ("account.churned", {"account_external_id": "demo-0007"}, "succeeded", 200, "ok", 1, 2900),
    ("task.opened", {"title": "Call about the renewal"}, "succeeded", 200, "ok", 1, 1500),
    ("nps.answered", {"score": 4}, "failed", 503, "Service Unavailable", 8, 700),
    ("task.opened", {"title": "Usage is down 40%"}, "failed", 404, "Not Found", 8, 60),
]


def webhooks_demo(*, tenant: Tenant, now: datetime) -> Counter:
    """Add the demo endpoint and its log once; returns rows added."""
    rows = Counter()
    endpoints = WebhookEndpoint.objects.for_tenant(tenant)
    if endpoints.filter(url=DEMO_URL).exists():
        return rows
    endpoint = endpoints.create(
        tenant=tenant,
        url=DEMO_URL,
        description="Demo: our CRM (disabled)",
        event_types=["account.churned", "task.opened", "nps.answered"],
        secret=secret_new(),
        enabled=False,
        disabled_reason=DisabledReason.MANUAL,
        disabled_at=now,
    )
    rows["tenants.WebhookEndpoint"] += 1
    for event_type, data, status, code, body, attempts, minutes in DEMO_LOG:
        at = now - timedelta(minutes=minutes)
        message = WebhookMessage.objects.for_tenant(tenant).create(
            tenant=tenant,
            msg_id=f"msg_{uuid.uuid4().hex}",
            event_type=event_type,
            payload={"type": event_type, "timestamp": at.isoformat(), "data": data},
        )
        WebhookDelivery.objects.for_tenant(tenant).create(
            tenant=tenant,
            endpoint=endpoint,
            message=message,
            status=status,
            attempts=attempts,
            round_attempts=attempts,
            last_attempt_at=at,
            response_status=code,
            response_body=body,
            error="" if status == DeliveryStatus.SUCCEEDED else f"The endpoint answered {code}.",
            succeeded_at=at if status == DeliveryStatus.SUCCEEDED else None,
        )
        # The log reads as history: each message made when its event happened (a failed
        # one retried for about a day and a half after it).
        made = at if status == DeliveryStatus.SUCCEEDED else at - timedelta(hours=36)
        WebhookMessage.objects.for_tenant(tenant).filter(pk=message.pk).update(created_at=made)
        WebhookDelivery.objects.for_tenant(tenant).filter(message=message).update(created_at=made)
        rows["tenants.WebhookMessage"] += 1
        rows["tenants.WebhookDelivery"] += 1
    return rows
