"""Reading an ingestion request's JSON body: size limit, gzip, and errors in the API's shape.

The body is read here rather than by a DRF parser so that an oversized body is refused
(413) before it is read or decompressed in full, and so that the hot path parses once.
"""

import json
import zlib

from rest_framework import status

from tenants.api.errors import json_error

MAX_BODY_BYTES = 512 * 1024


class BodyError(Exception):
    def __init__(self, status_code: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status_code, self.code, self.message, self.fields = status_code, code, message, fields

    def response(self):
        return json_error(self.status_code, self.code, self.message, self.fields)


def invalid(field: str, message: str) -> BodyError:
    return BodyError(
        status.HTTP_400_BAD_REQUEST, "invalid", f"Invalid input: check {field}.", {field: [message]}
    )


def _too_large(limit: int) -> BodyError:
    return BodyError(
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        "too_large",
        f"The request body is over {limit // 1024} KB; send fewer events per request.",
    )


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity: PostgreSQL's jsonb refuses them


def _gunzip(raw: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        # Never inflate more than the limit allows: a small gzip body can expand enormously.
        data = inflater.decompress(raw, limit + 1)
    except zlib.error:
        raise BodyError(status.HTTP_400_BAD_REQUEST, "parse_error", "Invalid gzip data.") from None
    if len(data) > limit:
        raise _too_large(limit)
    if not inflater.eof:
        raise BodyError(status.HTTP_400_BAD_REQUEST, "parse_error", "Truncated gzip data.")
    return data


def read_json(request, *, limit: int = MAX_BODY_BYTES):
    """The parsed JSON body of a DRF `request`, or BodyError (400, 413 or 415)."""
    django_request = request._request
    meta = django_request.META
    try:
        declared = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise _too_large(limit)
    raw = django_request.read(limit + 1)
    if len(raw) > limit:
        raise _too_large(limit)
    encoding = meta.get("HTTP_CONTENT_ENCODING", "").strip().lower()
    if encoding == "gzip":
        raw = _gunzip(raw, limit)
    elif encoding not in ("", "identity"):
        raise BodyError(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            f"Content-Encoding {encoding!r} is not supported; send gzip or no encoding.",
        )
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise BodyError(
            status.HTTP_400_BAD_REQUEST, "parse_error", "The request body is not valid JSON."
        ) from None
