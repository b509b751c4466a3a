"""Metrics benchmark: a year's backfill and one nightly run against a plain scan of the events.

    make bench-recompute ARGS="--accounts 10000 --days 365"
    python -m csplatform.embedded -- python -m bench.recompute [--accounts N] [--days D] ...

It creates a scratch database on the PostgreSQL of DATABASE_URL, migrates it, and fills one
tenant with `seed_demo`. Then, in one run, it times (c) a plain SQL `GROUP BY account, day`
over all the tenant's events, (a) a full backfill of every day but the last, and (b) the
ordinary nightly run that follows, which computes the last day. Each step runs in a fresh
process, so its peak memory (maximum resident set) is its own. The last line printed is the
comparison:

    backfill 61.2 s = 2.10 scans | nightly 1.9 s = 0.07 scans, peak 212 MB | scan 29.1 s

The scan is timed twice (before and after the recompute) and the faster time is the baseline,
so a cache warmed by the scan never flatters the engine. Then the two parts any rollup of the
same content must do are timed alone, as a floor: the session gaps (every contact's events
in time order) and the groups per account, day and event name. Last, the backfill runs
again without row-level security and with it, in turns (--rls-rounds), and the line before
the last compares the best run of each:

    row-level security: backfill 58.0 s with it, 57.1 s without | ratio 1.016

The scratch database is dropped at the end (--keep keeps it).
"""

import argparse
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import psycopg2

from bench import steps
from bench.steps import analyze, bench_main, log, peak_bytes

END = date(2026, 6, 30)  # the last seeded day: a fixed date keeps runs comparable
SLUG = "bench"

SCAN_SQL = """
SELECT count(*) FROM (
    SELECT account_id, (timestamp AT TIME ZONE 'UTC')::date AS day, count(*)
    FROM metrics_usageevent WHERE tenant_id = %s
    GROUP BY 1, 2
) AS per_account_day
"""


# What any rollup of the same content must do at least, each timed alone with the engine's
# memory settings: the 30-minute session gaps need every contact's events in time order, and
# the counts per event name need one group per account, day and name.
FLOOR_SQL = {
    "session gaps": """
        SELECT count(*) FILTER (WHERE gap <= interval '30 minutes') FROM (
            SELECT e.timestamp - lag(e.timestamp) OVER (PARTITION BY c.id ORDER BY e.timestamp)
                AS gap
            FROM accounts_contact c
            JOIN metrics_usageevent e ON e.contact_id = c.id AND e.tenant_id = c.tenant_id
            WHERE c.tenant_id = %s
        ) AS gaps
    """,
    "event-name groups": """
        SELECT count(*) FROM (
            SELECT account_id, (timestamp AT TIME ZONE 'UTC')::date, event, count(*)
            FROM metrics_usageevent WHERE tenant_id = %s
            GROUP BY 1, 2, 3
        ) AS per_name
    """,
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000, help="accounts to seed")
    parser.add_argument("--days", type=int, default=365, help="days of history")
    parser.add_argument("--seed", type=int, default=1, help="seed_demo's random seed")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--rls-rounds", type=int, default=2, help="turns without and with row-level security"
    )
    parser.add_argument("--step", choices=["seed", "backfill", "nightly"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.accounts < 1 or not 31 <= args.days <= 3650 or args.rls_rounds < 1:
        parser.error("--accounts and --rls-rounds must be at least 1, --days 31-3650.")
    return args


def _morning_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), clock(6), tzinfo=UTC)


def seed_bench_tenant(args) -> dict:
    """Inside a step: the bench tenant with seed_demo's accounts and days up to END."""
    from csplatform.demo.seed.service import demo_seed
    from tenants.services.tenants import tenant_create
    from tenants.tenancy.context import tenant_scope

    tenant, _ = tenant_create(slug=SLUG, name="Bench", owner_email="owner@bench.example")
    with tenant_scope(tenant):
        result = demo_seed(tenant=tenant, accounts=args.accounts, days=args.days,
                           seed=args.seed, end_date=END)  # fmt: skip
    return {"events": result.rows["metrics.UsageEvent"], "tenant": tenant.pk}


def backfill_but_the_last_day(tenant, days: int):
    """Inside a step: the metrics of every seeded day but END, left to the nightly run."""
    from metrics.services.recompute import metrics_backfill

    first, last = END - timedelta(days=days - 1), END - timedelta(days=1)
    return metrics_backfill(tenant=tenant, since=first, until=last, now=_morning_after(last))


def step(args) -> dict:
    """One step inside this process (the parent runs each in a child of its own)."""
    import django

    django.setup()
    from metrics.services.recompute import metrics_nightly
    from tenants.models import Tenant
    from tenants.tenancy.context import tenant_scope

    started = time.perf_counter()
    if args.step == "seed":
        detail = seed_bench_tenant(args)
    else:
        tenant = Tenant.objects.get(slug=SLUG)
        with tenant_scope(tenant):
            if args.step == "backfill":
                run = backfill_but_the_last_day(tenant, args.days)
            else:
                run = metrics_nightly(tenant=tenant, now=_morning_after(END))
        detail = {"figures": run.figures, "rollup_days": run.rollup_days}
    return {"seconds": time.perf_counter() - started, "peak_bytes": peak_bytes(), **detail}


def run_step(name: str, env: dict, args, module: str = "bench.recompute") -> dict:
    """A step of this benchmark, or of another taking the same options (bench.health)."""
    return steps.run_step(module, env, "--step", name, "--accounts", args.accounts,
                          "--days", args.days, "--seed", args.seed)  # fmt: skip


def scan(database_url: str, tenant_id: int, sql: str = SCAN_SQL, *settings: str) -> float:
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(setting)
            started = time.perf_counter()
            cursor.execute(sql, [tenant_id])
            cursor.fetchone()
            return time.perf_counter() - started
    finally:
        connection.close()


def floor(database_url: str, tenant_id: int) -> dict[str, float]:
    # The rollup statement's own settings (metrics.engine.rollups.rollups_build).
    settings = ["SET work_mem = '256MB'", "SET hash_mem_multiplier = 4", "SET jit = off"]
    return {name: scan(database_url, tenant_id, sql, *settings) for name, sql in FLOOR_SQL.items()}


def run(args, database_url: str, env: dict) -> None:
    log(f"Seeding {args.accounts:,} accounts x {args.days} days (seed_demo) ...")
    seeded = run_step("seed", env, args)
    analyze(database_url)
    log(f"  {seeded['events']:,} events in {seeded['seconds']:.1f} s")
    first_scan = scan(database_url, seeded["tenant"])
    log(f"Scan (GROUP BY account, day over all events): {first_scan:.2f} s")
    backfill = run_step("backfill", env, args)
    log(
        f"Backfill of {backfill['rollup_days']} days: {backfill['seconds']:.2f} s, "
        f"{backfill['figures']:,} figures, peak {backfill['peak_bytes'] / 2**20:.0f} MB"
    )
    nightly = run_step("nightly", env, args)
    log(
        f"Nightly run ({nightly['rollup_days']} new day): {nightly['seconds']:.2f} s, "
        f"{nightly['figures']:,} figures, peak {nightly['peak_bytes'] / 2**20:.0f} MB"
    )
    second_scan = scan(database_url, seeded["tenant"])
    log(f"Scan again: {second_scan:.2f} s")
    baseline = min(first_scan, second_scan)
    parts = floor(database_url, seeded["tenant"])
    log(
        "Parts of any rollup of the same content, each alone on one connection: "
        + ", ".join(
            f"{name} {seconds:.2f} s = {seconds / baseline:.2f} scans"
            for name, seconds in parts.items()
        )
    )
    # What row-level security costs: the backfill again without it and with it, in turns
    # on the same warm database, the best run of each kept.
    rls = {}
    for _ in range(args.rls_rounds):
        for label, row_security in (("without", "0"), ("with", "1")):
            again = run_step("backfill", {**env, "DATABASE_ROW_SECURITY": row_security}, args)
            log(f"Backfill again {label} row-level security: {again['seconds']:.2f} s")
            if label not in rls or again["seconds"] < rls[label]["seconds"]:
                rls[label] = again
    print(
        f"row-level security: backfill {rls['with']['seconds']:.2f} s with it, "
        f"{rls['without']['seconds']:.2f} s without | ratio "
        f"{rls['with']['seconds'] / rls['without']['seconds']:.3f}"
    )
    print(
        f"backfill {backfill['seconds']:.1f} s = {backfill['seconds'] / baseline:.2f} scans"
        f" | nightly {nightly['seconds']:.2f} s = {nightly['seconds'] / baseline:.2f} scans,"
        f" peak {nightly['peak_bytes'] / 2**20:.0f} MB | scan {baseline:.2f} s"
    )


def main(argv=None) -> int:
    return bench_main(
        parse_args(argv), step=step, label="recompute", make="bench-recompute", run=run
    )


if __name__ == "__main__":
    sys.exit(main())
