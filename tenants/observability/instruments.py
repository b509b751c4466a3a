"""The Prometheus instruments the processes update, in prometheus_client.

With PROMETHEUS_MULTIPROC_DIR set (before the process starts), prometheus_client keeps each
value in a file of that directory per process: every gunicorn worker and Celery worker of
the host writes there, and one scrape of /metrics sums them all (views.py). Without it, the
values are the serving process's own (development servers).

No tenant label anywhere: the figures are the platform's, and a label per tenant would grow
without bound.
"""

import os
import socket

from prometheus_client import Counter, Histogram, values

_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _MULTIPROC_DIR:
    # Each container numbers its processes from 1, so containers sharing the directory would
    # write the same pid's file; the host name keeps their files apart. A missing directory
    # would fail every import of this module (migrate, beat): made here when it can be.
    os.makedirs(_MULTIPROC_DIR, exist_ok=True)
    values.ValueClass = values.MultiProcessValue(
        process_identifier=lambda: f"{socket.gethostname()}_{os.getpid()}"
    )

# Seconds from the request's arrival to its response, by route name (never the raw path,
# whose ids would make a series per object) and method.
REQUEST_LATENCY = Histogram(
    "csplatform_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name and method.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)

# Usage events stored (new receipts), whatever the door: the events API or Segment calls.
# rate() over it is the ingest rate.
EVENTS_ACCEPTED = Counter(
    "csplatform_events_accepted",
    "Usage events accepted and stored (duplicates and rejected events excluded).",
)

# One observation per tenant's nightly metrics run that had work to do.
NIGHTLY_DURATION = Histogram(
    "csplatform_nightly_run_duration_seconds",
    "Duration of a tenant's nightly metrics run.",
    buckets=(0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0),
)
