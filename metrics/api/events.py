"""POST /api/v1/events/batch/: ingest up to 500 usage events, reported one by one."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from metrics.api.ingest_body import BodyError, invalid, read_json
from metrics.api.ingest_schema import (
    BATCH_EXAMPLE,
    EventBatchResultSerializer,
    EventBatchSerializer,
)
from metrics.ingestion.events import events_ingest
from metrics.ingestion.validation import BatchTooLarge
from metrics.models import UsageEvent
from tenants.api.errors import json_error
from tenants.api.openapi import error_response
from tenants.tenancy.viewsets import TenantViewSet


class EventViewSet(TenantViewSet):
    model = UsageEvent
    # The body is read and parsed by read_json; JSON is the only media type documented.
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Send a batch of usage events",
        description=(
            "Stores the valid events of the batch, even when others are rejected, and "
            "reports each event by its index. A `message_id` sent before is reported as "
            "`duplicate` and stored once, so a batch can be retried safely. Events may name "
            "accounts and contacts that do not exist yet: they are attached when those are "
            "created. Limits: 500 events and 512 KB per request (gzip allowed with "
            "`Content-Encoding: gzip`), 32 KB per event; beyond them the answer is 413."
        ),
        tags=["events"],
        request=EventBatchSerializer,
        responses={
            200: EventBatchResultSerializer,
            400: error_response("The body is not a batch."),
            401: error_response("No valid API key."),
            413: error_response("Too many or too large events."),
        },
        examples=[BATCH_EXAMPLE],
    )
    @action(detail=False, methods=["post"], url_path="batch", url_name="batch")
    def batch(self, request):
        received_at = timezone.now()
        try:
            body = read_json(request)
            if type(body) is not dict:
                raise invalid("non_field_errors", 'Expected an object: {"events": [...]}.')
            unknown = body.keys() - {"events"}
            if unknown:
                raise invalid(sorted(unknown)[0], "Unknown field.")
            if "events" not in body:
                raise invalid("events", "This field is required.")
            events = body["events"]
            if type(events) is not list:
                raise invalid("events", "Expected a list of events.")
            result = events_ingest(tenant=request.tenant, events=events, received_at=received_at)
        except BodyError as exc:
            return exc.response()
        except BatchTooLarge as exc:
            return json_error(413, "too_large", exc.message, exc.fields)
        return Response(result.as_dict())
