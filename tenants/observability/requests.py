"""One JSON log line and one latency observation per request, with its request id.

The outermost middleware: its time covers every other middleware and the view, and it sees
the status actually sent. The route is the URL pattern's name (`home`, `account-list`), never
the raw path; a path that matches no route counts as `unmatched`.
"""

import logging
import time

from django.utils.functional import empty

from tenants.observability.instruments import REQUEST_LATENCY
from tenants.observability.logs import request_id_for, reset_request_id, set_request_id

logger = logging.getLogger("csplatform.request")


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = set_request_id(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            route = _route(request)
            REQUEST_LATENCY.labels(route=route, method=_method(request)).observe(duration)
            response["X-Request-ID"] = request_id
            logger.info(
                "request",
                extra={
                    "tenant_id": _tenant_id(request),
                    "user_id": _user_id(request),
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 2),
                },
            )
            return response
        finally:
            reset_request_id(token)


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


def _tenant_id(request):
    """The tenant the request acted for: a member's (TenantMiddleware) or an API key's (set on
    the request by DRF's authentication). Read from the request, since the active tenant is
    reset before the response comes back here."""
    tenant = getattr(request, "tenant", None)
    if tenant is not None:
        return tenant.pk
    return getattr(getattr(request, "auth", None), "tenant_id", None)


def _user_id(request):
    # Only a user already loaded: loading one here would cost a query after the request.
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


# Anyone may send any method name; a series per name would grow without bound.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _method(request) -> str:
    return request.method if request.method in _METHODS else "other"
