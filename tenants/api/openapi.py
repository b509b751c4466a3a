"""The API's OpenAPI schema: the error format as a component, and the errors every
operation can answer (401, 403, 404) documented on every operation with that body."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Validation errors only: messages by field."),
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


COMMON_ERRORS = {
    "401": _("No credentials, or an unknown or revoked API key."),
    "403": _(
        "Not allowed: a read-only member writing, a key or member managing the tenant, or a "
        "missing CSRF token on a browser session's write."
    ),
    "404": _("No such row in this tenant (another tenant's rows are not found either)."),
    "503": _(
        "The database cannot be reached for a moment (code database_unavailable): the request "
        "was not completed. Send it again after the seconds of Retry-After."
    ),
}


class TenantAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in COMMON_ERRORS.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    error_response(description), code, direction=direction
                )
        return responses
