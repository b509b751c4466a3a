"""Django's error views (400, 403, 404, 500), answering in the API's JSON error format under
the API's paths and with the normal error pages elsewhere.

DRF formats the errors its views raise; these cover what happens outside them: an unknown
path under /api/, a crash that DRF passes on, a request Django refuses before any view.

A request that fails because the database cannot be reached (down, restarting, refusing
connections) is answered 503 with Retry-After rather than 500: it was not acknowledged,
and the client sends it again (event batches are deduplicated by message id). The processes
reconnect by themselves once the database is back (CONN_HEALTH_CHECKS), so no restart is
needed.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions

from tenants.api.errors import error_body
from tenants.observability.outages import outage_record

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


# SQLSTATE classes of a connection that failed or a server that is shutting down or
# starting: 08 connection exception, 57P01-57P03 admin/crash shutdown, cannot connect now.
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")
RETRY_AFTER = 5  # seconds: a restart of PostgreSQL takes about that


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database cannot be reached, as opposed to a statement that
    failed (a deadlock, a timeout: those carry their own SQLSTATE)."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    state = getattr(error.__cause__, "pgcode", None)
    return state is None or state.startswith(_UNAVAILABLE_STATES)


def server_error(request):
    # Django calls this while it handles the exception: sys.exception() is that exception.
    error = sys.exception()
    if database_unavailable(error):
        outage_record("database", type(error).__name__)
        return _database_unavailable(request)
    if _is_api(request):
        return _json(exceptions.APIException)
    return defaults.server_error(request)


def _database_unavailable(request):
    message = _(
        "The service cannot reach its database right now, so this request was not completed. "
        "Send it again in a few seconds."
    )
    if _is_api(request):
        response = JsonResponse(error_body(503, "database_unavailable", message), status=503)
    else:
        response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
