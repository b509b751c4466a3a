"""The short variant of `make bench-load`: a few seconds of mixed traffic against gunicorn
and a Celery worker on the test database, then the benchmark's own checks: every kind of
request made, every acknowledged event stored exactly once, no request failed. Its timings
are printed (pytest -s), never asserted."""

import sys

from bench.load.report import verdict
from tests.bench.runner import run_benchmark
from tests.conftest import _database_url


def test_short_load_stores_every_acknowledged_event_once_and_fails_nothing(transactional_db):
    command = [sys.executable, "-m", "bench.load", "--database", _database_url(),
               "--duration", "10", "--warmup", "3", "--accounts", "20", "--days", "31",
               "--workers", "2", "--integrations", "2", "--csms", "1",
               "--customers", "1"]  # fmt: skip
    stdout, stderr, returncode = run_benchmark(command, timeout=900)
    print(stderr, stdout)
    assert returncode == 0, stdout + stderr
    last = stdout.strip().splitlines()[-1]
    assert " 0 lost, 0 stored twice" in last and "| failures 0 |" in last, stdout
    # Measured after the warm-up: the kinds sent most. That every kind was requested at all,
    # the rarest included, the benchmark checks itself over the whole run (its exit code).
    kinds = {line[:16].strip() for line in stdout.splitlines()[1:-1]}
    assert {"events batch", "segment batch"} <= kinds, stdout


def test_the_verdict_counts_losses_duplicates_failures_and_errors():
    result = {"acknowledged": ["a", "b"], "sent": ["a", "b", "c"], "errors": [], "seconds": 1,
              "kinds": {"events batch": {"failures": 0}}}  # fmt: skip
    assert verdict(result, {"a": 1, "b": 1})[1]
    assert verdict(result, {"a": 1, "b": 1, "c": 1})[1]  # c stored, its answer never came
    assert not verdict(result, {"a": 1})[1]  # b lost
    assert not verdict(result, {"a": 1, "b": 1, "c": 2})[1]  # c stored twice
    assert not verdict({**result, "kinds": {"events batch": {"failures": 1}}}, {"a": 1, "b": 1})[1]
    assert not verdict({**result, "errors": ["no request made: portal tick"]}, {"a": 1, "b": 1})[1]
