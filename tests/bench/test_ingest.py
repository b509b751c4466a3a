"""The short variant of `make bench-ingest`: a few hundred events through gunicorn in every
configuration the benchmark compares, each run checked by the benchmark itself (every event
accepted and stored once, or it exits non-zero), then its four comparison lines. Its rates
and ratios are printed (pytest -s), never asserted."""

import os
import re
import sys

import pytest
import redis

from tenants.observability.queues import queue_lists
from tests.bench.runner import run_benchmark
from tests.conftest import _database_url

RATIO = r"ratio \d+\.\d{3}$"


def test_short_ingest_benchmark_stores_every_event_once_and_prints_its_ratios(db, settings):
    command = [sys.executable, "-m", "bench.ingest", "--events", "400", "--batch", "100",
               "--clients", "2", "--workers", "1", "--accounts", "20", "--warmup", "1",
               "--rls-rounds", "1", "--onboarding-rounds", "1", "--table-rounds", "2",
               "--prefill", "2000"]  # fmt: skip
    # The benchmark makes a scratch database of its own on the test database's server.
    env = {**os.environ, "DATABASE_URL": _database_url()}
    stdout, stderr, returncode = run_benchmark(command, timeout=600, env=env)
    print(stderr, stdout)
    assert returncode == 0, stdout + stderr
    lines = stdout.strip().splitlines()[-4:]
    assert lines[0].startswith("row-level security: ingest "), stdout
    assert lines[1].startswith("onboarding steps: ingest "), stdout
    assert lines[2].startswith("copy into the events table with its indexes and receipts "), stdout
    assert re.search(r"\| ingest " + RATIO, lines[2]), stdout
    assert lines[3].startswith("ingest ") and re.search(RATIO, lines[3]), stdout
    # Six runs through the API (two beside the COPYs, two for row-level security, two for
    # onboarding) and two COPYs into the events table, each of its own events, after the
    # prefill; the two turns' ratios, then their median.
    assert stderr.count(" ev/s\n") == 6 and stderr.count(" rows/s\n") == 2, stderr
    assert "prefilling the events table with 2,000 events" in stderr
    turns = re.search(r"turn by turn, ingest / COPY into the events table: (.*)\n", stderr)
    ratios = [float(ratio) for ratio in turns.group(1).split(", ")]
    assert len(ratios) == 2
    headline = float(re.search(r"ingest ratio (\d+\.\d{3})$", lines[2]).group(1))
    assert headline == pytest.approx(sum(ratios) / 2, abs=0.0015)
    # Its onboarding checks went to queues of its own, deleted with the scratch database.
    pid = re.search(r"scratch database csplatform_bench_(\d+):", stderr).group(1)
    queues = [f"bench-ingest-{pid}", f"bench-ingest-{pid}-webhooks"]
    keys = [key for queue in queues for key in [*queue_lists(queue), f"_kombu.binding.{queue}"]]
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        assert client.exists(*keys) == 0
    finally:
        client.close()
