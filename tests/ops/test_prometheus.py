"""GET /ops/metrics: request latency by route, events accepted, queue depth, nightly duration;
only for the holder of METRICS_TOKEN; one scrape sums every process sharing the directory."""

import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

from csplatform.celery import app as celery_app
from metrics.tasks import nightly
from tenants.observability.queues import queue_lists, queue_names
from tests.conftest import ROOT, _database_url, broker_back
from tests.metrics.test_events_ingest import event, post

pytestmark = pytest.mark.django_db

TOKEN = "t" * 40
URL = "/ops/metrics"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict:
    """{(sample name, sorted labels): value} of one scrape."""
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def latency_count(figures, route, method="GET"):
    key = ("csplatform_http_request_duration_seconds_count", (("method", method), ("route", route)))
    return figures.get(key, 0)


def test_a_request_is_counted_under_its_route_name_not_its_path(client, owner_client, tenant):
    before = scrape(client)
    owner_client.get("/healthz")
    owner_client.get("/healthz")
    response = client.get("/nothing/here/")
    assert response.status_code == 404
    after = scrape(client)
    assert latency_count(after, "healthz") - latency_count(before, "healthz") == 2
    assert latency_count(after, "unmatched") - latency_count(before, "unmatched") == 1
    assert not any("/nothing/here/" in str(labels) for _, labels in after)


def test_an_ingested_batch_counts_its_accepted_events(client, api, tenant, settings):
    settings.EVENTS_MAX_AGE_DAYS = 36500  # the events borrowed carry a fixed date of the past
    name = ("csplatform_events_accepted_total", ())
    before = scrape(client).get(name, 0)
    response = post(api, [event(1), event(2), event(2), event(3, timestamp="yesterday")])
    assert response.json()["accepted"] == 2
    post(api, [event(1)])  # a duplicate of a stored event: not counted again
    assert scrape(client)[name] - before == 2


def test_the_nightly_run_is_timed(client, tenant):
    name = ("csplatform_nightly_run_duration_seconds_count", ())
    before = scrape(client).get(name, 0)
    nightly.delay(tenant.pk)  # a first run: there is work to do
    nightly.delay(tenant.pk)  # already up to date: no run, nothing timed
    after = scrape(client)
    assert after[name] - before == 1
    assert after[("csplatform_nightly_run_duration_seconds_sum", ())] > 0


def test_the_endpoint_refuses_without_the_token(client, settings):
    assert client.get(URL).status_code == 401
    assert client.get(URL)["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer " + "x" * 40).status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    assert client.post(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405
    settings.METRICS_TOKEN = ""
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_queue_depth_counts_a_queued_task(client):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    name = ("csplatform_celery_queue_depth", (("queue", queue),))
    store = redis.Redis.from_url(settings.REDIS_URL)
    store.delete(queue)
    try:
        assert scrape(client)[name] == 0
        with broker_back(eager=False):
            celery_app.send_task("tenants.tasks.relay_outbox")
            celery_app.send_task("tenants.tasks.relay_outbox", priority=6)
        figures = scrape(client)
        assert figures[name] == 2
        assert figures[("csplatform_redis_up", ())] == 1
    finally:
        store.delete(*queue_lists(queue))


def test_queue_depth_names_every_queue_a_task_can_be_sent_to(settings):
    settings.CELERY_NIGHTLY_QUEUES = ["nightly-a", "nightly-b"]
    names = queue_names()
    assert names[:2] == [settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_WEBHOOK_QUEUE]
    assert {"nightly-a", "nightly-b"} <= set(names)  # a queue nobody consumes shows its depth


def test_with_redis_down_the_scrape_still_answers(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    figures = scrape(client)
    assert figures[("csplatform_redis_up", ())] == 0
    assert not any(name == "csplatform_celery_queue_depth" for name, _ in figures)


def test_one_scrape_sums_every_process_sharing_the_directory(tmp_path):
    """Two processes (two web or Celery workers) count; a third serves the scrape."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = "from tenants.observability.instruments import EVENTS_ACCEPTED as c; c.inc({})"
    for n in (3, 4):
        subprocess.run([sys.executable, "-c", count.format(n)], cwd=ROOT, env=env, check=True)
    serve = (
        "import django; django.setup(); "
        "from tenants.observability.views import scrape; print(scrape().decode())"
    )
    env.update(
        DJANGO_SETTINGS_MODULE="csplatform.settings_test",
        DATABASE_URL=_database_url(),
        REDIS_URL=settings.REDIS_URL,
    )
    text = subprocess.run(
        [sys.executable, "-c", serve], cwd=ROOT, env=env, check=True, capture_output=True,
        text=True,
    ).stdout  # fmt: skip
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert samples["csplatform_events_accepted_total"] == 7
