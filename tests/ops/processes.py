"""Real web and worker processes for the tests of what several of them do together: gunicorn
servers and Celery workers started apart, each with its own log file, and the Celery tasks
each worker ran read back from its log (the line Celery writes when a task succeeds)."""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import redis

from bench.ingest import free_port, start_server
from bench.scratch import queue_delete

ROOT = Path(__file__).resolve().parents[2]
SUCCEEDED = re.compile(r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]+)\] succeeded")


@contextmanager
def celery_worker(env: dict, *, name: str, queues: list[str], log: Path):
    """A worker named `name` (its Celery hostname) consuming only `queues`, one task at a
    time with no other held back (the solo pool prefetches one message: worker_prefetch_
    multiplier 1 x its one slot), logging at INFO (each task's success) to `log`; ready when
    this yields."""
    command = [sys.executable, "-m", "celery", "-A", "csplatform", "worker",
               "-Q", ",".join(queues), "-n", f"{name}@%h", "--pool", "solo", "-l", "info",
               "--without-heartbeat", "--without-gossip", "--without-mingle"]  # fmt: skip
    with open(log, "w") as output:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                  stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while " ready." not in log.read_text():
            assert worker.poll() is None, f"worker {name} exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"worker {name} not ready:\n{log.read_text()}"
            time.sleep(0.2)
        yield worker
    finally:
        # A warm shutdown: the task it runs finishes first.
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def tasks_succeeded(log: Path) -> list[tuple[str, str]]:
    """(task name, task id) of every task the worker writing `log` ran to success."""
    found = []
    for line in log.read_text().splitlines():
        try:
            message = json.loads(line).get("message", "")
        except (ValueError, AttributeError):
            message = line  # text format, or a line not from the logging configuration
        match = SUCCEEDED.search(message)
        if match:
            found.append((match["name"], match["id"]))
    return found


@contextmanager
def gunicorn(env: dict):
    """A gunicorn server (one worker process) on a free loopback port: yields its base URL
    once /healthz answers 200."""
    port = free_port()
    server = start_server(env, 1, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def queues_delete(redis_url: str, queues: list[str]) -> None:
    """The named queues and their bindings, with any message left in them."""
    for queue in queues:
        queue_delete(redis_url, queue)


def queued_args(redis_url: str, queue: str) -> list[list]:
    """The arguments of each message waiting in `queue` (Celery's message protocol 2: a
    base64 JSON body of [args, kwargs, embed])."""
    client = redis.Redis.from_url(redis_url)
    try:
        messages = client.lrange(queue, 0, -1)
    finally:
        client.close()
    return [json.loads(base64.b64decode(json.loads(m)["body"]))[0] for m in messages]


# Seconds: an upper bound for one step on a loaded machine, never a measurement.
WAIT = 90


def until(condition, *, workers=(), what: str):
    """Poll `condition` until it returns something truthy; fail if a worker dies first."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for process in workers:
            assert process.poll() is None, f"a worker died while waiting for {what}"
        time.sleep(0.1)
    raise AssertionError(f"No {what} within {WAIT} s.")
