"""GET /ops/metrics: the Prometheus text format, for a scraper holding METRICS_TOKEN.

Not tenant data, but not for the public either (route names, volumes, queue depths): the
endpoint answers 404 while METRICS_TOKEN is unset and 401 to a request without
`Authorization: Bearer <METRICS_TOKEN>`.
"""

import hmac
import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from tenants.observability.queues import QueueDepthCollector


class _Sources:
    """What one scrape reads: the instruments of every process (or of this one) and the
    queue depths, asked of Redis now."""

    def __init__(self, *sources):
        self.sources = sources

    def collect(self):
        for source in self.sources:
            yield from source.collect()


def scrape() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # The files of every process of the host that shares the directory, summed.
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    return generate_latest(_Sources(processes, QueueDepthCollector()))


def authorized(request) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@never_cache
@require_GET
def metrics(request):
    if not settings.METRICS_TOKEN:
        raise Http404
    if not authorized(request):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
