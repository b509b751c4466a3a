"""Segment's HTTP Tracking API, so Segment's libraries (and Segment itself) can send to us.

    POST /v1/batch     {"batch": [{"type": "identify"|"group"|"track"|"page"|"screen", ...}],
                        "sentAt": ..., "context": {...}}
    POST /v1/identify  /v1/group  /v1/track  /v1/page  /v1/screen   (one message each)

Authentication is Segment's: HTTP Basic with the tenant's API key as the user name and an
empty password (`Client(write_key=<key>, host=<our URL>)`); a Bearer key works too. Bodies
may be gzip-compressed. As Segment does, every valid body is answered `{"success": true}`
(200); messages that cannot be used are logged and dropped. See metrics/ingestion/segment.py
for what each call does.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from metrics.api.ingest_body import BodyError, invalid, read_json
from metrics.api.ingest_schema import (
    SegmentBatchSerializer,
    SegmentMessageSerializer,
    SegmentSuccessSerializer,
)
from metrics.api.segment_auth import SegmentBasicAuthentication
from metrics.ingestion.segment import segment_messages_process
from metrics.ingestion.validation import BatchTooLarge, parse_timestamp
from metrics.models import UsageEvent
from tenants.api.authentication import APIKeyAuthentication
from tenants.api.errors import json_error
from tenants.api.openapi import error_response
from tenants.tenancy.viewsets import TenantViewSet

_RESPONSES = {
    200: SegmentSuccessSerializer,
    400: error_response("The body is not valid JSON."),
    401: error_response("No valid API key."),
    413: error_response("Over 512 KB, or a message over 32 KB."),
}


def _schema(summary: str, request=SegmentMessageSerializer):
    return extend_schema(summary=summary, tags=["segment"], request=request, responses=_RESPONSES)


class SegmentViewSet(TenantViewSet):
    model = UsageEvent
    authentication_classes = [SegmentBasicAuthentication, APIKeyAuthentication]
    # The body is read and parsed by read_json; JSON is the only media type documented.
    parser_classes = [JSONParser]

    def _process(self, request, kind: str | None):
        received_at = timezone.now()
        try:
            body = read_json(request)
            if type(body) is not dict:
                raise invalid("non_field_errors", "Expected a JSON object.")
            if kind is None:
                messages = body.get("batch")
                if type(messages) is not list:
                    raise invalid("batch", "Expected a list of messages.")
                context = body.get("context")
                sent_at = parse_timestamp(body.get("sentAt"))
            else:
                # A single call's type is the endpoint's, whatever the body says.
                messages, context, sent_at = [{**body, "type": kind}], None, None
            segment_messages_process(
                tenant=request.tenant,
                messages=messages,
                received_at=received_at,
                sent_at=sent_at,
                context=context if type(context) is dict else None,
            )
        except BodyError as exc:
            return exc.response()
        except BatchTooLarge as exc:
            return json_error(413, "too_large", exc.message, exc.fields)
        return Response({"success": True})

    @_schema("Segment batch: several calls of any type", request=SegmentBatchSerializer)
    def batch(self, request):
        return self._process(request, None)

    @_schema("Segment identify: create or update a contact")
    def identify(self, request):
        return self._process(request, "identify")

    @_schema("Segment group: create or update an account; the user joins it")
    def group(self, request):
        return self._process(request, "group")

    @_schema("Segment track: a usage event")
    def track(self, request):
        return self._process(request, "track")

    @_schema("Segment page: a page view, stored as a usage event of type page")
    def page(self, request):
        return self._process(request, "page")

    @_schema("Segment screen: a screen view, stored as a usage event of type screen")
    def screen(self, request):
        return self._process(request, "screen")
