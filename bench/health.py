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
import sys
import time

import psycopg2

from bench import recompute
from bench.recompute import END, SLUG, backfill_but_the_last_day, scan, seed_bench_tenant
from bench.steps import analyze, bench_main, log, peak_bytes


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
    from health.services.nightly import health_after_metrics
    from metrics.services.recompute import metrics_nightly
    from tenants.models import Tenant
    from tenants.tenancy.context import tenant_scope

    started = time.perf_counter()
    detail = {}
    if args.step == "seed":
        detail = seed_bench_tenant(args)
    else:
        tenant = Tenant.objects.get(slug=SLUG)
        with tenant_scope(tenant):
            if args.step == "metrics":
                backfill_but_the_last_day(tenant, args.days)
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
    return {"seconds": time.perf_counter() - started, "peak_bytes": peak_bytes(), **detail}


def run_step(name: str, env: dict, args) -> dict:
    return recompute.run_step(name, env, args, module="bench.health")


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


def run(args, database_url: str, env: dict) -> None:
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


def main(argv=None) -> int:
    return bench_main(parse_args(argv), step=step, label="health", make="bench-health", run=run)


if __name__ == "__main__":
    sys.exit(main())
