"""Serializers that describe the ingestion endpoints in the OpenAPI schema.

They document the shapes only: events are validated in plain Python
(metrics/ingestion/validation.py), which is far faster per event than a serializer.
"""

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from metrics.ingestion.validation import MAX_EVENTS
from metrics.models.usage import EventType


class EventSerializer(serializers.Serializer):
    message_id = serializers.CharField(
        max_length=255, help_text="Your unique id of the event; a re-sent id is stored once."
    )
    event = serializers.CharField(max_length=200, help_text="The event's name.")
    timestamp = serializers.DateTimeField(
        help_text="When it happened (ISO 8601; no offset means UTC); at most 1 day ahead."
    )
    account_external_id = serializers.CharField(
        max_length=255, required=False, help_text="The account's external id."
    )
    contact_external_id = serializers.CharField(
        max_length=255,
        required=False,
        help_text="The contact's external id; with no account, the event goes to the "
        "contact's account.",
    )
    properties = serializers.DictField(required=False, help_text="Any JSON object.")
    type = serializers.ChoiceField(choices=EventType.choices, default=EventType.TRACK)


class EventBatchSerializer(serializers.Serializer):
    events = EventSerializer(many=True, max_length=MAX_EVENTS)


class EventResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    message_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["accepted", "duplicate", "rejected"])
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For rejected events: messages by field.",
    )


class EventBatchResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = EventResultSerializer(many=True)


class SegmentMessageSerializer(serializers.Serializer):
    """The fields used; every other field of Segment's spec is accepted and ignored."""

    type = serializers.CharField(required=False, help_text="In a batch: the call's type.")
    userId = serializers.CharField(required=False)  # noqa: N815 (Segment's field names)
    anonymousId = serializers.CharField(required=False)  # noqa: N815
    messageId = serializers.CharField(required=False)  # noqa: N815
    groupId = serializers.CharField(required=False)  # noqa: N815
    event = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    properties = serializers.DictField(required=False)
    traits = serializers.DictField(required=False)
    context = serializers.DictField(required=False)
    timestamp = serializers.DateTimeField(required=False)
    sentAt = serializers.DateTimeField(required=False)  # noqa: N815


class SegmentBatchSerializer(serializers.Serializer):
    batch = SegmentMessageSerializer(many=True)
    sentAt = serializers.DateTimeField(required=False)  # noqa: N815
    context = serializers.DictField(required=False)


class SegmentSuccessSerializer(serializers.Serializer):
    success = serializers.BooleanField()


BATCH_EXAMPLE = OpenApiExample(
    "Two events",
    request_only=True,
    value={
        "events": [
            {
                "message_id": "9d1c1f6e-3f7a-4b8e-a0b1-5f0d2c9e7a10",
                "event": "Report Exported",
                "timestamp": "2025-01-31T09:30:00Z",
                "account_external_id": "acct_1042",
                "contact_external_id": "user_88",
                "properties": {"format": "csv", "rows": 1200},
            },
            {
                "message_id": "b2e0f7a4-51c3-4d1e-9a55-0c8e6f3b2d91",
                "event": "Dashboard",
                "type": "page",
                "timestamp": "2025-01-31T09:31:12.250+01:00",
                "contact_external_id": "user_88",
            },
        ]
    },
)
