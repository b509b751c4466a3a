"""Product usage: the feature catalog and the usage events it classifies.

Events keep the external ids they arrived with; `account` / `contact` are filled in as soon
as those are known, so an event that arrives before its identify/group call is never lost.
Deduplication by `message_id` lives in EventReceipt, a small table of its own, so that the
events table can be partitioned by month (a partitioned table's unique keys must include the
partition key); receipts are kept for the window in which events are accepted.
"""

from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.tenancy.models import TenantModel


def firehose_tenant():
    """The tenant key of a high-volume append-only table: no trigger, no index of its own."""
    return models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=False,
        db_constraint=False,
        verbose_name=_("tenant"),
    )


class Feature(TenantModel):
    """Maps one event name to a product feature; core features count for adoption."""

    event_name = models.CharField(max_length=200, verbose_name=_("event name"))
    feature = models.CharField(max_length=200, verbose_name=_("feature"))
    is_core = models.BooleanField(default=False, verbose_name=_("is core"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("feature")
        verbose_name_plural = _("features")
        ordering = ["feature", "event_name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "event_name"], name="feature_unique_event")
        ]

    def __str__(self) -> str:
        return f"{self.event_name} → {self.feature}"


class EventType(models.TextChoices):
    TRACK = "track", _("Track")
    PAGE = "page", _("Page")
    SCREEN = "screen", _("Screen")


class UsageEvent(TenantModel):
    # The table is partitioned by month of `timestamp` (migration 0010,
    # metrics/services/event_storage.py). Its primary key in PostgreSQL is (tenant,
    # timestamp, id), since a partitioned table's unique keys must hold the partition key;
    # Django keeps `id` as the model's key, filled from a sequence and never read alone
    # (events are read and changed by tenant, account, contact or time). New indexes are
    # created on the parent (CREATE INDEX, not CONCURRENTLY) and reach every partition.
    # The events table takes the whole firehose: no database-level foreign keys (each would be
    # a trigger run per inserted row at commit) and no index on tenant alone ((tenant,
    # timestamp) below serves it). Ingestion resolves accounts and contacts inside the
    # tenant in SQL; the ORM still applies on_delete.
    tenant = firehose_tenant()
    message_id = models.CharField(max_length=255, verbose_name=_("message ID"))
    type = models.CharField(
        max_length=10, choices=EventType.choices, default=EventType.TRACK, verbose_name=_("type")
    )
    event = models.CharField(max_length=200, verbose_name=_("event"))
    timestamp = models.DateTimeField(verbose_name=_("timestamp"))
    received_at = models.DateTimeField(verbose_name=_("received at"))
    account = models.ForeignKey(
        "accounts.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
        # (account, timestamp) below serves the foreign key's lookups too
        verbose_name=pgettext_lazy("label", "account"),
    )
    contact = models.ForeignKey(
        "accounts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_(
            "contact"
        ),  # (contact, timestamp) below serves the foreign key's lookups too
    )
    account_external_id = models.CharField(
        max_length=255, blank=True, verbose_name=_("account external ID")
    )
    contact_external_id = models.CharField(
        max_length=255, blank=True, verbose_name=_("contact external ID")
    )
    properties = models.JSONField(default=dict, blank=True, verbose_name=_("properties"))

    class Meta:
        verbose_name = _("usage event")
        verbose_name_plural = _("usage events")
        ordering = ["-timestamp", "-id"]
        indexes = [
            # Events received since a moment (the metrics engine's search for late arrivals).
            # Rows are appended in reception order, so a BRIN index of a few pages finds
            # them, at almost no cost per inserted row.
            BrinIndex(fields=["received_at"], name="usageevent_received_brin"),
            # Every index costs each inserted row a b-tree insertion (most of the price of a
            # batch besides the receipts), so there are as few as the reads need. A tenant's
            # events by time range (metrics per local day) are read through the primary key
            # (tenant, timestamp, id): a b-tree, exact per tenant, where a BRIN would read
            # every tenant's rows of the period.
            # An account's events by time; an account id belongs to one tenant, so no tenant
            # prefix is needed, and the same index serves on_delete=SET_NULL.
            models.Index(fields=["account", "timestamp"], name="usageevent_account_time"),
            # A contact's events in time order (sessions), read from the index alone: the
            # included columns spare a visit to each event's row.
            models.Index(
                fields=["contact", "timestamp"],
                include=["account", "tenant"],
                name="usageevent_contact_time",
            ),
            # Events still waiting for their account or contact to arrive.
            models.Index(
                fields=["tenant", "account_external_id"],
                condition=models.Q(account__isnull=True),
                name="usageevent_pending_account",
            ),
            models.Index(
                fields=["tenant", "contact_external_id"],
                condition=models.Q(contact__isnull=True) | models.Q(account__isnull=True),
                name="usageevent_pending_contact",
            ),
        ]


class EventReceipt(TenantModel):
    """One row per accepted message id: a re-sent message is recognised and not stored twice."""

    # The key is (tenant, message_id) itself: no surrogate id, so a receipt costs one index
    # insertion and no sequence call. The "C" collation makes the key compare bytes instead
    # of going through the locale, which message ids never need.
    pk = models.CompositePrimaryKey("tenant", "message_id")
    tenant = firehose_tenant()
    message_id = models.CharField(max_length=255, db_collation="C", verbose_name=_("message ID"))
    received_at = models.DateTimeField(verbose_name=_("received at"))

    class Meta:
        verbose_name = _("event receipt")
        verbose_name_plural = _("event receipts")
        indexes = [
            # The hourly deletion of expired receipts: they are inserted in reception order,
            # so a BRIN index of a few pages finds the old ones without reading the table.
            BrinIndex(fields=["received_at"], name="eventreceipt_received_brin"),
        ]
