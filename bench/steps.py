"""What the benchmarks share: messages on stderr (stdout holds the figures), each step run in
a child process of its own that prints its result as one JSON line, VACUUM ANALYZE between
steps, and the entry point that either runs one step (`--step`) or the whole benchmark on a
scratch database of the server of DATABASE_URL."""

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable

import psycopg2

from bench.scratch import ROOT, scratch_database


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_step(module: str, env: dict, *arguments, timeout: int = 3600) -> dict:
    """`python -m module *arguments` in a child process; its last line of output, as JSON.
    Its messages (stderr) go through to the terminal."""
    command = [sys.executable, "-m", module, *map(str, arguments)]
    done = subprocess.run(
        command, cwd=ROOT, env=env, check=True, timeout=timeout, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_bytes() -> int:
    """The most memory this process has held (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def analyze(database_url: str) -> None:
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would have, on a live database
    finally:
        connection.close()


def bench_main(
    args, *, step: Callable, label: str, make: str, run: Callable[[object, str, dict], None]
) -> int:
    """With `--step`: `step(args)` in this process, printed as one JSON line. Otherwise
    `run(args, database_url, env)` on a scratch database named for `label` (`make` names the
    make target that provides DATABASE_URL)."""
    if args.step:
        print(json.dumps(step(args)))
        return 0
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        log(f"DATABASE_URL is not set; run through `make {make}` (embedded PostgreSQL).")
        return 2
    with scratch_database(base_url, label, keep=args.keep) as (database_url, env):
        run(args, database_url, env)
    return 0
