"""Health benchmark: a year's score history and one nightly scoring run against a plain
scan of the events.

    make bench-health ARGS="--accounts 10000 --days 365"
    python -m csplatform.embedded -- python -m bench.health [--accounts N] [--days D] ...

It creates a scratch database on the PostgreSQL of DATABASE_URL, migrates it, fills one
tenant with `seed_demo` and computes its metrics for every day but the last. Then, in one
run, it times (c) a plain SQL `GROUP BY account, day` over all the tenant's events, (a) the
first scoring run, which writes the score history of the last 365 days (or --days) and
runs the alert rules' first pass, and (b) the run that follows the metrics' next nightly
run: the new day's scores, then the alert rules and the playbooks they start. Each step
runs in a fresh process. The last line printed is:

    history 19.3 s = 7.04 scans | nightly 0.73 s = 0.27 scans | scan 2.74 s

The scan is timed before and after, and the faster time is the baseline. As a floor, the
history's rows are then copied alone into an empty table of the same columns and indexes:
what any store of one row per account and day must pay. The scratch database is dropped
at the end (--keep keeps it).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta

import psycopg2

from bench.recompute import END, SLUG, analyze, log, scan
from bench.scratch import ROOT, scratch_database


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000, help="accounts to seed")
    parser.add_argument("--days", type=int, default=365, help="days of history")
    parser.add_argument("--seed", type=int, default=1, help="seed_demo's random seed")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--step", choices=["seed", "metrics", "history", "nightly"], help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.accounts < 1 or not 31 <= args.days <= 3650:
        parser.error("--accounts must be at least 1, --days 31-3650.")
    return args


def step(args) -> dict:
    """One step inside this process (the parent runs each in a child of its own)."""
    import django

    django.setup()
    from bench.recompute import _morning_after
    from csplatform.demo.seed.service import demo_seed
    from health.services.nightly import health_after_metrics
    from metrics.services.recompute import metrics_backfill, metrics_nightly
    from tenants.models import Tenant
    from tenants.services.tenants import tenant_create
    from tenants.tenancy.context import tenant_scope

    started = time.perf_counter()
    detail = {}
    if args.step == "seed":
        tenant, _ = tenant_create(slug=SLUG, name="Bench", owner_email="owner@bench.example")
        with tenant_scope(tenant):
            result = demo_seed(tenant=tenant, accounts=args.accounts, days=args.days,
                               seed=args.seed, end_date=END)  # fmt: skip
        detail = {"events": result.rows["metrics.UsageEvent"], "tenant": tenant.pk}
    else:
        tenant = Tenant.objects.get(slug=SLUG)
        with tenant_scope(tenant):
            if args.step == "metrics":
                first = END - timedelta(days=args.days - 1)
                last = END - timedelta(days=1)
                metrics_backfill(tenant=tenant, since=first, until=last, now=_morning_after(last))
            elif args.step == "history":
                # The first run: a year of scores, then the rules' first pass on its last day
                # (every condition that holds starts then), as a new tenant's first night.
                after = health_after_metrics(tenant=tenant)
                scored = after.scores
                detail = {
                    "rows": scored.rows,
                    "days": (scored.last - scored.first).days + 1,
                    "tasks": after.opened,
                }
            else:
                metrics_nightly(tenant=tenant, now=_morning_after(END))
                started = time.perf_counter()  # the metrics' own run is not the health's
                after = health_after_metrics(tenant=tenant)  # scores, rules, playbooks
                scored = after.scores
                detail = {
                    "rows": scored.rows,
                    "days": (scored.last - scored.first).days + 1,
                    "tasks": after.opened,
                }
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {"seconds": seconds, "peak_bytes": peak, **detail}


def run_step(name: str, env: dict, args) -> dict:
    command = [sys.executable, "-m", "bench.health", "--step", name,
               "--accounts", str(args.accounts), "--days", str(args.days),
               "--seed", str(args.seed)]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, env=env, check=True, timeout=3600, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_floor(database_url: str) -> float:
    """What storing a row per account and day costs by itself: the score history's rows
    copied into an empty table of the same columns and indexes, in one statement."""
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE score_floor (LIKE health_healthscore INCLUDING ALL)"
            )
            started = time.perf_counter()
            cursor.execute("INSERT INTO score_floor SELECT * FROM health_healthscore")
            connection.commit()
            return time.perf_counter() - started
    finally:
        connection.close()


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.step:
        print(json.dumps(step(args)))
        return 0
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        log("DATABASE_URL is not set; run through `make bench-health` (embedded PostgreSQL).")
        return 2
    with scratch_database(base_url, "health", keep=args.keep) as (database_url, env):
        log(f"Seeding {args.accounts:,} accounts x {args.days} days (seed_demo) ...")
        seeded = run_step("seed", env, args)
        log(f"  {seeded['events']:,} events in {seeded['seconds']:.1f} s")
        analyze(database_url)
        metrics = run_step("metrics", env, args)
        log(f"Metrics for every day but the last: {metrics['seconds']:.1f} s")
        analyze(database_url)
        first_scan = scan(database_url, seeded["tenant"])
        log(f"Scan (GROUP BY account, day over all events): {first_scan:.2f} s")
        history = run_step("history", env, args)
        log(
            f"Score history, {history['days']} days, and the rules' first pass: "
            f"{history['rows']:,} scores, {history['tasks']:,} tasks opened in "
            f"{history['seconds']:.2f} s, peak {history['peak_bytes'] / 2**20:.0f} MB"
        )
        nightly = run_step("nightly", env, args)
        log(
            f"Nightly scoring and rules ({nightly['days']} new day): {nightly['rows']:,} "
            f"scores, {nightly['tasks']} tasks opened in {nightly['seconds']:.2f} s, "
            f"peak {nightly['peak_bytes'] / 2**20:.0f} MB"
        )
        second_scan = scan(database_url, seeded["tenant"])
        log(f"Scan again: {second_scan:.2f} s")
        baseline = min(first_scan, second_scan)
        written = write_floor(database_url)
        log(
            f"Writing the same {history['rows']:,} rows alone (INSERT ... SELECT into a copy of "
            f"the table with its indexes): {written:.2f} s = {written / baseline:.2f} scans"
        )
        print(
            f"history {history['seconds']:.1f} s = {history['seconds'] / baseline:.2f} scans"
            f" | nightly {nightly['seconds']:.2f} s = {nightly['seconds'] / baseline:.2f} scans"
            f" | scan {baseline:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
