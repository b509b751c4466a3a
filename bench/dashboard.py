"""Dashboard pages benchmark: the server time and SQL queries of the portfolio's first page,
a filtered page, an account's page and the home page, against a plain indexed lookup.

    make bench-dashboard ARGS="--accounts 10000 --days 60"
    python -m csplatform.embedded -- python -m bench.dashboard [--accounts N] [--days D] ...

It creates a scratch database on the PostgreSQL of DATABASE_URL, migrates it, fills one
tenant with `seed_demo` (--days of history ending yesterday), computes its metrics and its
health score history, then, in a fresh process with production settings, signs the demo
owner in with Django's test client and requests each page --rounds times in turn with the
baseline: one account looked up by primary key through the ORM. It prints, per page, the
median server time, the number of SQL queries and the ratio to the baseline; the last line:

    portfolio median 61.0 ms, 9 queries | ... | pk lookup median 0.40 ms | ratio 152

Goal: the portfolio's first page under 100 ms. The scratch database is dropped at the end
(--keep keeps it).
"""

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta

from bench import steps
from bench.steps import analyze, bench_main, log

SLUG = "bench-dashboard"
OWNER = "owner@dashboard.bench.example"
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000, help="accounts to seed")
    parser.add_argument("--days", type=int, default=60, help="days of history")
    parser.add_argument("--rounds", type=int, default=15, help="requests of each page")
    parser.add_argument("--seed", type=int, default=1, help="seed_demo's random seed")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--step", choices=["seed", "metrics", "health", "measure"], help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.accounts < 10 or not 31 <= args.days <= 3650 or args.rounds < 1:
        parser.error("--accounts must be at least 10, --days 31-3650, --rounds at least 1.")
    return args


def pages(account_pk: int) -> dict[str, str]:
    return {
        "portfolio": "/accounts/",
        "portfolio filtered": "/accounts/?band=poor&renewal=90&sort=-mrr",
        "account": f"/accounts/{account_pk}/",
        "home": "/",
    }


def measure(tenant, rounds: int) -> dict:
    """Median server time and query count of each page, and of the baseline lookup."""
    from django.conf import settings
    from django.test.utils import override_settings

    # No collectstatic for a benchmark: static addresses without the manifest's hashes.
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
    with override_settings(STORAGES=storages):
        return _measure(tenant, rounds)


def _measure(tenant, rounds: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account
    from tenants.models import Membership
    from tenants.tenancy.context import tenant_scope

    with tenant_scope(tenant):
        ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
        owner = Membership.objects.select_related("user").get(user__email=OWNER).user
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(owner)
    rng = random.Random(7)  # noqa: S311 - reproducible choices, not secrets
    targets = pages(ids[len(ids) // 2])
    times = {name: [] for name in [*targets, "pk lookup"]}
    queries = {}
    for url in targets.values():  # warm up: templates, connections, caches
        assert client.get(url).status_code == 200, url
    for _ in range(rounds):
        for name, url in targets.items():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times[name].append(time.perf_counter() - started)
            assert response.status_code == 200, url
            queries[name] = len(captured)
            started = time.perf_counter()
            with tenant_scope(tenant):
                Account.objects.filter(pk=rng.choice(ids)).first()
            times["pk lookup"].append(time.perf_counter() - started)
    result = {name: {"median": statistics.median(values)} for name, values in times.items()}
    for name, count in queries.items():
        result[name]["queries"] = count
    result["pk lookup"]["queries"] = 1
    return result


def step(args) -> dict:
    import django

    django.setup()
    from csplatform.demo.seed.service import demo_seed
    from health.services.nightly import health_after_metrics
    from metrics.services.recompute import metrics_backfill
    from tenants.models import Tenant
    from tenants.services.tenants import tenant_create
    from tenants.tenancy.context import tenant_scope

    started = time.perf_counter()
    if args.step == "seed":
        tenant, _ = tenant_create(slug=SLUG, name="Bench dashboard", owner_email=OWNER)
        with tenant_scope(tenant):
            demo_seed(tenant=tenant, accounts=args.accounts, days=args.days, seed=args.seed)
        return {"seconds": time.perf_counter() - started}
    tenant = Tenant.objects.get(slug=SLUG)
    with tenant_scope(tenant):
        if args.step == "metrics":
            last = tenant.today() - timedelta(days=1)
            first = last - timedelta(days=args.days - 1)
            metrics_backfill(tenant=tenant, since=first, until=last)
        elif args.step == "health":
            health_after_metrics(tenant=tenant)
        else:
            return measure(tenant, args.rounds)
    return {"seconds": time.perf_counter() - started}


def run_step(name: str, env: dict, args) -> dict:
    return steps.run_step("bench.dashboard", env, "--step", name, "--accounts", args.accounts,
                          "--days", args.days, "--rounds", args.rounds, "--seed", args.seed,
                          timeout=7200)  # fmt: skip


def run(args, database_url: str, env: dict) -> None:
    for name, what in (
        ("seed", f"Seeding {args.accounts:,} accounts x {args.days} days (seed_demo)"),
        ("metrics", "Computing the metrics"),
        ("health", "Computing the health score history"),
    ):
        log(f"{what} ...")
        log(f"  {run_step(name, env, args)['seconds']:.1f} s")
    analyze(database_url)  # as the tables' owner, as autovacuum would
    log(f"Requesting each page {args.rounds} times ...")
    result = run_step("measure", env, args)
    baseline = result["pk lookup"]["median"]
    parts = []
    for name, figures in result.items():
        median = figures["median"] * 1000
        log(f"  {name}: median {median:.1f} ms, {figures['queries']} queries, "
            f"{figures['median'] / baseline:.0f} x the pk lookup")  # fmt: skip
        if name != "pk lookup":
            parts.append(f"{name} median {median:.1f} ms, {figures['queries']} queries")
    portfolio = result["portfolio"]["median"]
    print(
        " | ".join(parts) + f" | pk lookup median {baseline * 1000:.2f} ms"
        f" | ratio {portfolio / baseline:.0f}"
    )


def main(argv=None) -> int:
    return bench_main(
        parse_args(argv), step=step, label="dashboard", make="bench-dashboard", run=run
    )


if __name__ == "__main__":
    sys.exit(main())
