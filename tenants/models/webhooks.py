"""Outbound webhooks (Standard Webhooks): a tenant's endpoints, the messages its changes emit
and each message's delivery to each endpoint.

A message and its deliveries are written in the transaction of the change that causes them
(an outbox), so a crash between the change and the send loses nothing; the sender claims a
due delivery with a conditional update, so a delivery already sent is never sent again.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


class WebhookFormat(models.TextChoices):
    STANDARD = "standard", _("Standard Webhooks (JSON)")
    SLACK = "slack", _("Slack incoming webhook")


class DisabledReason(models.TextChoices):
    NONE = "", _("Not disabled")
    MANUAL = "manual", _("Disabled by a member")
    GONE = "gone", _("The endpoint answered 410 Gone")
    FAILING = "failing", _("Failing for 5 days")


class WebhookEndpoint(TenantModel):
    url = models.URLField(max_length=2000, verbose_name=_("URL"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("description"))
    event_types = ArrayField(
        models.CharField(max_length=64), default=list, verbose_name=_("event types")
    )
    format = models.CharField(
        max_length=16,
        choices=WebhookFormat.choices,
        default=WebhookFormat.STANDARD,
        verbose_name=_("format"),
    )
    # `whsec_` + base64 of 32 random bytes. During a rotation the previous secret signs too,
    # until it expires, so receivers can switch without missing a message.
    secret = models.CharField(max_length=100, verbose_name=_("secret"))
    previous_secret = models.CharField(
        max_length=100, blank=True, verbose_name=_("previous secret")
    )
    previous_secret_expires_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("previous secret expires at")
    )
    enabled = models.BooleanField(default=True, verbose_name=_("enabled"))
    disabled_reason = models.CharField(
        max_length=16,
        choices=DisabledReason.choices,
        blank=True,
        default=DisabledReason.NONE,
        verbose_name=_("disabled reason"),
    )
    disabled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("disabled at"))
    # The first failure since the last success; cleared by a success.
    failing_since = models.DateTimeField(null=True, blank=True, verbose_name=_("failing since"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookMessage(TenantModel):
    """One event, with the body every endpoint receives; `msg_id` is its `webhook-id`."""

    msg_id = models.CharField(max_length=40, verbose_name=_("message ID"))
    event_type = models.CharField(max_length=64, verbose_name=_("event type"))
    payload = models.JSONField(verbose_name=_("payload"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        constraints = [
            # A random UUID: unique within the tenant is all a key holding tenant_id can say.
            models.UniqueConstraint(fields=["tenant", "msg_id"], name="webhook_message_msg_id"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.msg_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class WebhookDelivery(TenantModel):
    """A message to one endpoint, and what its last attempt got back."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    message = models.ForeignKey(
        WebhookMessage, on_delete=models.CASCADE, related_name="+", verbose_name=_("message")
    )
    status = models.CharField(
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        verbose_name=_("status"),
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    # Attempts of the current round (a resend starts a new round of the retry schedule).
    round_attempts = models.PositiveIntegerField(default=0, verbose_name=_("round attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    last_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last attempt at"))
    response_status = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("response status")
    )
    response_body = models.TextField(blank=True, verbose_name=_("response body"))  # the first KB
    error = models.CharField(max_length=500, blank=True, verbose_name=_("error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    succeeded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("succeeded at"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "endpoint", "message"],
                name="webhook_delivery_once_per_endpoint",
            ),
        ]
        indexes = [
            # The sweep's look-up: pending deliveries by when they are due, of every tenant.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.endpoint_id} ({self.status})"
