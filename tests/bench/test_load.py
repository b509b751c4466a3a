"""The short variant of `make bench-load`: a few seconds of mixed traffic against gunicorn
and a Celery worker on the test database, then the benchmark's own checks: every kind of
request made, every acknowledged event stored exactly once, no request failed. Its timings
are printed (pytest -s), never asserted."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from bench.load.report import verdict
from tests.conftest import _database_url

ROOT = Path(__file__).resolve().parents[2]


def test_short_load_stores_every_acknowledged_event_once_and_fails_nothing(transactional_db):
    command = [sys.executable, "-m", "bench.load", "--database", _database_url(),
               "--duration", "10", "--warmup", "3", "--accounts", "20", "--days", "31",
               "--workers", "2", "--integrations", "2", "--csms", "1",
               "--customers", "1"]  # fmt: skip
    stdout, stderr, returncode = _run(command, timeout=900)
    print(stderr, stdout)
    assert returncode == 0, stdout + stderr
    last = stdout.strip().splitlines()[-1]
    assert " 0 lost, 0 stored twice" in last and "| failures 0 |" in last, stdout
    kinds = {line[:16].strip() for line in stdout.splitlines()[1:-1]}
    assert {"events batch", "segment batch", "segment track"} <= kinds, stdout


def _run(command, timeout):
    """The benchmark in its own session; on a timeout it is asked to stop (its servers and
    worker go with it) before the test fails, so nothing is left holding the test database."""
    process = subprocess.Popen(command, cwd=ROOT, text=True, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
        raise AssertionError(f"bench.load ran over {timeout} s\n{stdout}{stderr}") from None
    return stdout, stderr, process.returncode


def test_the_verdict_counts_losses_duplicates_failures_and_errors():
    result = {"acknowledged": ["a", "b"], "sent": ["a", "b", "c"], "errors": [], "seconds": 1,
              "kinds": {"events batch": {"failures": 0}}}  # fmt: skip
    assert verdict(result, {"a": 1, "b": 1})[1]
    assert verdict(result, {"a": 1, "b": 1, "c": 1})[1]  # c stored, its answer never came
    assert not verdict(result, {"a": 1})[1]  # b lost
    assert not verdict(result, {"a": 1, "b": 1, "c": 2})[1]  # c stored twice
    assert not verdict({**result, "kinds": {"events batch": {"failures": 1}}}, {"a": 1, "b": 1})[1]
    assert not verdict({**result, "errors": ["no request made: portal tick"]}, {"a": 1, "b": 1})[1]
