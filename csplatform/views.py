"""Project-level views: the health check used by load balancers and `make run`, and the
redirects from addresses of earlier versions."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseGone, HttpResponseRedirect, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView

from tenants.observability.outages import outage_record, outages_last


@never_cache
def healthz(request):
    """{"status": "ok"|"error", "checks": {"database": "ok"|"error: X", "redis": ...},
    "last_failures": {check: {"error", "at", "seconds_ago"}}}: 200 when every check passes,
    503 otherwise. `last_failures` names each check that failed within the last week (here
    or in a request that found the database down), so that after an outage the answer still
    says what was down and when."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not healthy", reported by name
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.get("healthz")  # a round trip to Redis
        checks["redis"] = "ok" if cache._cache.get_client().ping() else "error: no pong"
    except Exception as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    for check, value in checks.items():
        if value != "ok":
            outage_record(check, value.removeprefix("error: "), share=False)
    # With Redis down, the record is this process's own: one more Redis timeout each would
    # make the answer slower than a load balancer waits.
    failures = outages_last(share=checks["redis"] == "ok")
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks, "last_failures": failures},
        status=200 if healthy else 503,
    )


class Moved(RedirectView):
    """An address of an earlier version: GET follows with 302, a form's POST with 307 so that
    it is posted again to the new address (sign-out, a password form in an open tab)."""

    query_string = True

    def post(self, request, *args, **kwargs):
        url = self.get_redirect_url(*args, **kwargs)
        return HttpResponseRedirect(url, preserve_request=True) if url else HttpResponseGone()
