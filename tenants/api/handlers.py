"""Django's error views (400, 403, 404, 500), answering in the API's JSON error format under
the API's paths and with the normal error pages elsewhere.

DRF formats the errors its views raise; these cover what happens outside them: an unknown
path under /api/, a crash that DRF passes on, a request Django refuses before any view.
"""

from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions

from tenants.api.errors import error_body

API_PREFIXES = ("/api/", "/v1/")  # the REST API and the Segment-compatible tracking API


def _json(error: type[exceptions.APIException]) -> JsonResponse:
    """The body DRF would give for `error`, with its translated default message."""
    status = error.status_code
    return JsonResponse(
        error_body(status, error.default_code, str(error.default_detail)), status=status
    )


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


def bad_request(request, exception):
    if _is_api(request):
        return _json(exceptions.ParseError)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return _json(exceptions.PermissionDenied)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return _json(exceptions.NotFound)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json(exceptions.APIException)
    return defaults.server_error(request)
