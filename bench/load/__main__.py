"""`python -m bench.load`: see bench/load/__init__.py."""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager

from bench.ingest import free_port, start_server
from bench.load.report import stored_counts, table, verdict
from bench.scratch import ROOT, own_queues, own_queues_delete, scratch_database, server_environment

SETTINGS = "bench.load.settings"
DESCRIPTION = "Mixed traffic against gunicorn, then every acknowledged event stored exactly once."


def parse_args(argv):
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--duration", type=int, default=60, help="seconds of traffic measured")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of traffic before")
    parser.add_argument("--accounts", type=int, default=300, help="accounts seeded")
    parser.add_argument("--days", type=int, default=60, help="days of history seeded")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--batch", type=int, default=100, help="most events in one batch")
    parser.add_argument("--integrations", type=int, default=3, help="users sending events")
    parser.add_argument("--csms", type=int, default=2, help="CSMs opening pages")
    parser.add_argument("--api-clients", type=int, default=1, help="users reading the API")
    parser.add_argument("--customers", type=int, default=2, help="portal and help center users")
    parser.add_argument("--database", help="a migrated database to use instead of a scratch one")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.warmup < 0 or args.accounts < 10 or not 31 <= args.days <= 3650:
        parser.error(
            "--duration must be at least 1, --warmup 0 or more, --accounts at least 10, "
            "--days 31-3650."
        )
    if not 1 <= args.batch <= 500 or args.workers < 1 or args.csms < 1:
        parser.error("--batch must be 1-500; --workers and --csms at least 1.")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment(database_url: str) -> dict:
    env = server_environment(database_url)
    env.pop("CSPLATFORM_TESTING", None)  # production settings, even under the test suite
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        # Plain HTTP on the loopback: cookies without the Secure flag, so the client sends
        # them back; and one address for every simulated user, so no per-address limit.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOGIN_RATE_LIMIT": "100000/m",
        "PUBLIC_RATE_LIMIT": "100000/m",
        "HELP_SEARCH_RATE_LIMIT": "100000/m",
        "KB_PUBLIC_API_RATE": "100000/minute",
        **own_queues("load"),
        # The worker runs as whoever runs the benchmark, root in a container included.
        "PYTHONWARNINGS": f"{env['PYTHONWARNINGS']},ignore:You're running the worker",
    }


@contextmanager
def database(args):
    if args.database:
        yield args.database, environment(args.database)
        return
    with scratch_database(os.environ["DATABASE_URL"], "load", keep=args.keep) as (url, _):
        yield url, environment(url)


@contextmanager
def celery_worker(env: dict):
    queues = f"{env['CELERY_TASK_DEFAULT_QUEUE']},{env['CELERY_WEBHOOK_QUEUE']}"
    command = [sys.executable, "-m", "celery", "-A", "csplatform", "worker", "-Q",
               queues, "-c", "1", "-l", "warning",
               "--without-heartbeat", "--without-gossip", "--without-mingle"]  # fmt: skip
    # Its banner left out (standard output); its warnings and errors shown.
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )
    try:
        yield worker
    finally:
        # To the main process only: a warm shutdown lets the pool finish the task it runs.
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        own_queues_delete(env)


@contextmanager
def gunicorn(env: dict, workers: int):
    port = free_port()
    server = start_server(env, workers, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def seed(env: dict, args) -> dict:
    command = [sys.executable, "-m", "bench.load.seed", "--accounts", str(args.accounts),
               "--days", str(args.days), "--csms", str(args.csms)]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, env=env, check=True, timeout=3600, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def traffic(env: dict, plan: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        plan_path, result_path = os.path.join(folder, "plan.json"), os.path.join(folder, "out")
        with open(plan_path, "w") as plan_file:
            json.dump(plan, plan_file)
        command = [sys.executable, "-m", "bench.load.traffic", plan_path, result_path]
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=plan["seconds"] + 600)
        with open(result_path) as result_file:
            return json.load(result_file)


def _stop(signum, frame):
    # A terminated run leaves through its ExitStack: the worker, gunicorn and the scratch
    # database are stopped and removed as after a normal run.
    raise SystemExit(128 + signum)


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    signal.signal(signal.SIGTERM, _stop)
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        log("DATABASE_URL and REDIS_URL are needed: run `make bench-load`, or wrap this")
        log("command in `python -m csplatform.embedded -- ...`.")
        return 2
    with ExitStack() as stack:
        database_url, env = stack.enter_context(database(args))
        log(f"Seeding {args.accounts:,} accounts x {args.days} days (seed_demo) ...")
        started = time.monotonic()
        plan = seed(env, args)
        log(f"  {time.monotonic() - started:.1f} s")
        stack.enter_context(celery_worker(env))
        host = stack.enter_context(gunicorn(env, args.workers))
        users = {"integration": args.integrations, "csm": args.csms, "api": args.api_clients,
                 "customer": args.customers}  # fmt: skip
        log(
            f"{args.warmup} s of warm-up, then {args.duration} s of traffic from "
            f"{sum(users.values())} users to gunicorn ({args.workers} workers) at {host} ..."
        )
        result = traffic(env, {**plan, "host": host, "seconds": args.duration,
                               "users": users, "batch": args.batch,
                               "warmup": args.warmup})  # fmt: skip
        counts = stored_counts(database_url, plan["slug"], result["sent"])
    print(table(result))
    for error in result["errors"]:
        print(f"error: {error}")
    line, passed = verdict(result, counts)
    print(line)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
