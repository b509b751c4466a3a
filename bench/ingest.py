"""Event-ingestion benchmark: events/s through the HTTP API against a raw COPY of the rows.

    make bench-ingest ARGS="--events 100000 --clients 4"
    python -m csplatform.embedded -- python -m bench.ingest [--events N] [--clients N] ...

It creates a scratch database on the PostgreSQL of DATABASE_URL (the embedded one through
csplatform.embedded), migrates it, adds a tenant, an API key and some accounts and contacts,
starts gunicorn on 127.0.0.1 (production settings), warms its workers up with a few small
untimed batches, and sends the events in batches of 500 from concurrent client threads over
the loopback. It compares that with two COPYs of as many rows: into a scratch table of the
same columns, and into the events table itself (its partitioned parent, whose indexes are
most of the cost) with their receipts, the true limit of ingestion. The events and receipts
tables first hold --prefill events (200,000 by default), as a live server's do: a COPY into
nearly empty tables is faster than into any a server has, and the comparison would depend
on which turn went first. The three are then timed in turns (--table-rounds), the order
alternating from turn to turn, each run after a CHECKPOINT (so that no run pays for a
checkpoint, or for the full-page writes after one, that another escapes). Each turn's runs
are compared with each other, into tables of nearly the same size (they differ by the
--events of one run; the scratch table, with no index, is not prefilled), and the median of
those ratios is printed, after the turns' ratios one by one. The line before the last
compares with the events table, the last with the scratch table (the rates are the medians
of the runs):

    copy into the events table with its indexes and receipts 61,747 rows/s | ingest ratio 0.526
    ingest 33,028 ev/s | copy 344,447 rows/s | ratio 0.095

Before them, what row-level security costs: new events sent again to a server without it
and with it (DATABASE_ROW_SECURITY), in turns (--rls-rounds), the best run of each compared:

    row-level security: ingest 32,974 ev/s with it, 31,809 ev/s without | ratio 1.037

and what onboarding's automatic steps cost: the same load with no step waiting for an event
it sends, and with steps waiting for one sent in almost every batch (--onboarding-rounds):

    onboarding steps: ingest 26,589 ev/s with steps waiting for events sent, ... | ratio 0.906

Only the loopback address is used; every loop is bounded; the server and the scratch
database are removed at the end (--keep keeps the database).
"""

import argparse
import csv
import http.client
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from statistics import median

import psycopg2
from psycopg2 import sql

from bench.scratch import (
    ROOT,
    create_database,
    drop_database,
    migrate,
    own_queues,
    own_queues_delete,
    scratch_url,
    server_environment,
)
from bench.steps import log

EVENT_NAMES = [f"Feature {n} Used" for n in range(20)] + ["Signed In", "Report Exported"]
COPY_COLUMNS = [
    "tenant_id",
    "message_id",
    "type",
    "event",
    "timestamp",
    "received_at",
    "account_external_id",
    "contact_external_id",
    "properties",
]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events to send")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--batch", type=int, default=500, help="events per request (max 500)")
    parser.add_argument("--accounts", type=int, default=1_000, help="known accounts")
    parser.add_argument("--warmup", type=int, default=8, help="untimed requests per worker")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--rls-rounds", type=int, default=2, help="turns without and with row-level security"
    )
    parser.add_argument(
        "--onboarding-rounds",
        type=int,
        default=2,
        help="turns with no onboarding step waiting for an event sent, and with steps waiting",
    )
    parser.add_argument(
        "--table-rounds",
        type=int,
        default=5,
        help="turns of ingestion and of the COPYs it is compared with",
    )
    parser.add_argument(
        "--prefill",
        type=int,
        default=200_000,
        help="events (and receipts) in the tables before the first turn",
    )
    args = parser.parse_args(argv)
    if min(args.rls_rounds, args.onboarding_rounds, args.table_rounds) < 1:
        parser.error("--rls-rounds, --onboarding-rounds and --table-rounds must be at least 1.")
    if not (1 <= args.batch <= 500) or args.events < 1 or args.clients < 1 or args.workers < 1:
        parser.error("--batch must be 1-500; --events, --clients and --workers at least 1.")
    if args.warmup < 0 or args.prefill < 0:
        parser.error("--warmup and --prefill must be 0 or more.")
    return args


# --- Scratch database -----------------------------------------------------------------------


def seed(env: dict, accounts: int) -> tuple[int, str]:
    """Tenant, API key, accounts and contacts; returns (tenant id, raw key)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from accounts.models import Account, Contact
    from metrics.services.event_storage import event_partitions_ensure
    from tenants.db.session import database_owner
    from tenants.models import Tenant
    from tenants.services.api_keys import api_key_create
    from tenants.tenancy.context import tenant_scope

    tenant = Tenant(name="Bench", slug="bench")
    with tenant_scope(tenant):  # from its first row: its audit entry belongs to it
        tenant.save()
        _, raw_key = api_key_create(tenant=tenant, name="Benchmark")
        Account.objects.bulk_create(
            Account(tenant=tenant, external_id=f"acc-{n}", name=f"Account {n}")
            for n in range(accounts)
        )
        account_ids = dict(Account.objects.values_list("external_id", "id"))
        Contact.objects.bulk_create(
            Contact(
                tenant=tenant, external_id=f"u-{n}", account_id=account_ids[f"acc-{n % accounts}"]
            )
            for n in range(accounts * 5)
        )
        plans_seed(tenant, accounts)
    # The months the events fall in have their partitions, as on a server whose nightly
    # task made them ahead.
    today = datetime.now(UTC).date()
    event_partitions_ensure(first=today - timedelta(days=31), last=today)
    with database_owner(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a live database has them
    connection.close()
    return tenant.pk, raw_key


# An onboarding plan for a fifth of the accounts, each with a step completed automatically
# by an event that is never sent (WAITING_NONE) until a turn of the benchmark makes the steps
# wait for one the load sends in almost every batch (WAITING_SENT); so many are needed that
# the steps stay open, and every such batch queues its onboarding check.
WAITING_NONE, WAITING_SENT = "Never Sent", "Report Exported"


def plans_seed(tenant, accounts: int) -> None:
    from accounts.models import Account
    from onboarding.services.plans import plan_start
    from onboarding.services.templates import template_save

    steps = [
        {"key": "connect", "title": {"en": "Connect"}},
        {"key": "reports", "title": {"en": "Export reports"}, "completed_by": "event",
         "event_name": WAITING_NONE, "event_count": 100000},
    ]  # fmt: skip
    template = template_save(tenant=tenant, name="Bench", is_default=True, steps=steps)
    for account in Account.objects.order_by("pk")[: max(accounts // 5, 1)]:
        plan_start(tenant=tenant, account=account, template=template)


def steps_wait_for(database_url: str, event: str) -> None:
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE onboarding_planstep SET event_name = %s WHERE completed_by = 'event'",
                [event],
            )
        connection.commit()
    finally:
        connection.close()


# --- Events ---------------------------------------------------------------------------------


def make_events(count: int, accounts: int, run: int = 0) -> list[dict]:
    rng = random.Random(42 + run)  # noqa: S311 (test data, not security)
    # Within the window in which events are accepted (EVENTS_MAX_AGE_DAYS), and in the past
    # however many: 7 seconds apart, closer for more than 19 days' worth.
    start = datetime.now(UTC) - timedelta(days=20)
    step = min(7.0, 19 * 86_400 / count)
    events = []
    for n in range(count):
        contact = rng.randrange(accounts * 6)  # a sixth of them not known yet
        event = {
            "message_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "event": rng.choice(EVENT_NAMES),
            "timestamp": (start + timedelta(seconds=n * step)).isoformat(),
            "contact_external_id": f"u-{contact}",
            "properties": {"plan": rng.choice(["free", "pro"]), "seats": rng.randrange(1, 50)},
        }
        if n % 3:  # most name the account too
            event["account_external_id"] = f"acc-{contact % accounts}"
        events.append(event)
    return events


def warmup_bodies(requests: int, run: int = 0) -> list[bytes]:
    """One-event batches under a tenant-unique prefix, counted apart from the measured events."""
    bodies = []
    for n in range(requests):
        event = {
            "message_id": f"warmup-{run}-{n}",
            "event": "Signed In",
            "timestamp": datetime.now(UTC).isoformat(),
            "account_external_id": "acc-0",
        }
        bodies.append(json.dumps({"events": [event]}).encode())
    return bodies


# --- HTTP ingestion -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict, workers: int, port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "csplatform.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def send_all(port: int, raw_key: str, bodies: list[bytes], clients: int) -> tuple[float, int]:
    """Send every body from `clients` threads; return (seconds, events accepted)."""
    headers = {"Authorization": f"Bearer {raw_key}", "Content-Type": "application/json"}
    queue = list(reversed(bodies))
    lock = threading.Lock()
    accepted, errors = [], []
    barrier = threading.Barrier(clients + 1)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        while True:
            with lock:
                if not queue or errors:
                    return
                body = queue.pop()
            connection.request("POST", "/api/v1/events/batch/", body, headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status != 200:
                errors.append(f"{response.status}: {payload[:300]!r}")
                return
            accepted.append(json.loads(payload)["accepted"])

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=3600)
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"ingestion failed: {errors[0]}")
    return elapsed, sum(accepted)


# --- Raw COPY -------------------------------------------------------------------------------


RECEIPT_COPY = (
    "COPY metrics_eventreceipt (tenant_id, message_id, received_at) FROM STDIN WITH (FORMAT csv)"
)


def copy_data(
    tenant_id: int, events: list[dict], table: str, *, known: tuple[dict, dict] | None = None
) -> tuple[sql.Composed, bytes, bytes]:
    """The COPY of `events` into `table` with its CSV, and the CSV of their receipts (for
    RECEIPT_COPY). With `known` (account ids by external id; contacts' (id, account id) by
    external id), each event gets its account and contact as ingestion resolves them."""
    received = datetime.now(UTC).isoformat()
    columns = COPY_COLUMNS
    if known is not None:
        columns = [*COPY_COLUMNS[:6], "account_id", "contact_id", *COPY_COLUMNS[6:]]
        accounts, contacts = known
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for event in events:
        account_xid = event.get("account_external_id", "")
        row = [tenant_id, event["message_id"], "track", event["event"], event["timestamp"],
               received]  # fmt: skip
        if known is not None:
            contact, account = contacts.get(event["contact_external_id"], (None, None))
            row += [accounts.get(account_xid) if account_xid else account, contact]
        row += [account_xid, event["contact_external_id"], json.dumps(event["properties"])]
        writer.writerow(row)
    # FORCE_NOT_NULL: an empty external id is "", as the API stores it, not NULL.
    copy = sql.SQL(
        "COPY {} ({}) FROM STDIN WITH (FORMAT csv, "
        "FORCE_NOT_NULL (account_external_id, contact_external_id))"
    ).format(sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    receipt_data = "".join(
        f"{tenant_id},{event['message_id']},{received}\n" for event in events
    ).encode()
    return copy, buffer.getvalue().encode(), receipt_data


def copy_rows(
    database_url: str, tenant_id: int, events: list[dict], table: str, *, receipts: bool = False
) -> float:
    """COPY the same events into `table` (created by the caller), and with `receipts` their
    receipts into the receipts table, in one transaction; return the seconds."""
    copy, data, receipt_data = copy_data(tenant_id, events, table)
    checkpoint(database_url)
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            if receipts:
                cursor.copy_expert(RECEIPT_COPY, io.BytesIO(receipt_data))
            cursor.copy_expert(copy, io.BytesIO(data))
            connection.commit()
            return time.perf_counter() - started
    finally:
        connection.close()


def create_copy_table(database_url: str) -> None:
    """A scratch table with the events table's columns (no indexes, no foreign keys)."""
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_copy "
                "(LIKE metrics_usageevent INCLUDING DEFAULTS INCLUDING IDENTITY)"
            )
        connection.commit()
    finally:
        connection.close()


def checkpoint(database_url: str) -> None:
    """Write out every dirty page before a timed run, so that each run (through the API or a
    COPY) starts from the same state: a checkpoint falling inside one run, or the full-page
    writes that follow one, varied the rates of identical runs by half."""
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    finally:
        connection.close()


def count_events(database_url: str) -> int:
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM metrics_usageevent")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def ingest(env: dict, args, raw_key: str, database_url: str, run: int = 0) -> float:
    """Start gunicorn, warm it up, send the events of `run` and check every one was stored
    once; return the seconds the timed sending took."""
    events = make_events(args.events, args.accounts, run)
    bodies = [
        json.dumps({"events": events[i : i + args.batch]}).encode()
        for i in range(0, len(events), args.batch)
    ]
    before = count_events(database_url)
    port = free_port()
    server = start_server(env, args.workers, port)
    try:
        # A new gunicorn worker opens its database connection and fills its caches on its
        # first requests; a long-running server has done so long ago, so that is kept out of
        # the timed run. As many connections as workers, so every worker gets some.
        warmup = warmup_bodies(args.warmup * args.workers, run)
        if warmup:
            send_all(port, raw_key, warmup, args.workers)
        checkpoint(database_url)
        log(
            f"sending {len(events):,} events in {len(bodies)} requests from {args.clients} "
            f"clients to gunicorn ({args.workers} workers) on 127.0.0.1:{port} ..."
        )
        seconds, accepted = send_all(port, raw_key, bodies, args.clients)
        stored = count_events(database_url) - before - len(warmup)
        if accepted != len(events) or stored != len(events):
            raise RuntimeError(f"sent {len(events)}, accepted {accepted}, stored {stored}")
        log(f"  {len(events) / seconds:,.0f} ev/s")
        return seconds
    finally:
        server.terminate()
        server.wait(timeout=30)


def _stop(signum, frame):
    # A terminated run leaves through main's finally: gunicorn stopped, the scratch database
    # dropped and the run's queues deleted, as after a normal run.
    raise SystemExit(128 + signum)


def prefill(database_url: str, tenant_id: int, args) -> None:
    """Events and their receipts already in the tables (--prefill), as on a server that has
    been taking them, then VACUUM ANALYZE. A COPY into nearly empty tables runs faster than
    into tables of any size a live server has (its indexes still fit the cache), and would
    make the comparison depend on which turn went first."""
    if not args.prefill:
        return
    log(f"prefilling the events table with {args.prefill:,} events and their receipts ...")
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            # With their account and contact, as ingestion stores the events of known ones.
            cursor.execute("SELECT external_id, id FROM accounts_account")
            accounts = dict(cursor.fetchall())
            cursor.execute("SELECT external_id, id, account_id FROM accounts_contact")
            contacts = {external: (pk, account) for external, pk, account in cursor.fetchall()}
            events = make_events(args.prefill, args.accounts, run=-1)
            copy, data, receipt_data = copy_data(
                tenant_id, events, "metrics_usageevent", known=(accounts, contacts)
            )
            cursor.copy_expert(RECEIPT_COPY, io.BytesIO(receipt_data))
            cursor.copy_expert(copy, io.BytesIO(data))
        connection.commit()
        connection.autocommit = True  # VACUUM runs outside a transaction
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE metrics_usageevent, metrics_eventreceipt")
    finally:
        connection.close()


def compare_with_copies(env, args, raw_key, database_url, tenant_id) -> dict[str, list[float]]:
    """Ingestion through the API and its two COPY baselines, in turns (--table-rounds): the
    seconds of each run, by kind, turn by turn. The order within a turn alternates, so that
    no kind always follows another's background writing; the caller compares the runs of
    the same turn, made into tables of nearly the same size."""
    create_copy_table(database_url)
    prefill(database_url, tenant_id, args)
    seconds = {"ingest": [], "table": [], "scratch": []}
    for turn in range(args.table_rounds):
        fresh = make_events(args.events, args.accounts, run=10_000 + turn)

        def through_api(turn=turn):
            return ingest(env, args, raw_key, database_url, turn)

        def into_events_table(fresh=fresh):
            # The true limit: as many new events into the events table itself (through the
            # partitioned parent), with its indexes, and their receipts (but no account or
            # contact resolution and no deduplication against earlier receipts).
            log(f"COPY of {args.events:,} new events into the events table and its receipts ...")
            seconds = copy_rows(database_url, tenant_id, fresh, "metrics_usageevent", receipts=True)
            log(f"  {args.events / seconds:,.0f} rows/s")
            return seconds

        def into_scratch_table(fresh=fresh):
            log(f"COPY of {args.events:,} rows into a scratch table ...")
            return copy_rows(database_url, tenant_id, fresh, "bench_copy")

        kinds = [
            ("ingest", through_api),
            ("table", into_events_table),
            ("scratch", into_scratch_table),
        ]
        for kind, run in kinds if turn % 2 == 0 else reversed(kinds):
            seconds[kind].append(run())
    return seconds


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    signal.signal(signal.SIGTERM, _stop)
    base_url = os.environ.get("DATABASE_URL")
    if not base_url or not os.environ.get("REDIS_URL"):
        log("DATABASE_URL and REDIS_URL are needed: run `make bench-ingest`, or wrap this")
        log("command in `python -m csplatform.embedded -- ...`.")
        return 2
    name = f"csplatform_bench_{os.getpid()}"
    database_url = scratch_url(base_url, name)
    # Queues of the run's own, for the onboarding checks its batches hand over.
    env = {**server_environment(database_url), **own_queues("ingest")}
    log(f"scratch database {name}: migrating and seeding ...")
    create_database(base_url, name)
    try:
        migrate(env)
        tenant_id, raw_key = seed(env, args.accounts)
        turns = compare_with_copies(env, args, raw_key, database_url, tenant_id)
        first_run = args.table_rounds
        # What row-level security costs: the same load (new events) without it and with it,
        # in turns, the best run of each kept, so that neither gains from going later (a
        # warmer cache) or loses to a checkpoint or to other work on the machine.
        rls_seconds = {"without": float("inf"), "with": float("inf")}
        for turn in range(args.rls_rounds):
            for offset, (label, row_security) in enumerate((("without", "0"), ("with", "1"))):
                log(f"again {label} row-level security ...")
                seconds = ingest(
                    {**env, "DATABASE_ROW_SECURITY": row_security},
                    args,
                    raw_key,
                    database_url,
                    first_run + 2 * turn + offset,
                )
                rls_seconds[label] = min(rls_seconds[label], seconds)
        # What onboarding's automatic steps cost: the same load with no step waiting for an
        # event sent and with steps waiting for one sent in almost every batch, in turns.
        onboarding_seconds = {WAITING_NONE: float("inf"), WAITING_SENT: float("inf")}
        first_run += 2 * args.rls_rounds
        for turn in range(args.onboarding_rounds):
            for offset, event in enumerate((WAITING_NONE, WAITING_SENT)):
                log(f"again with the onboarding steps waiting for {event!r} ...")
                steps_wait_for(database_url, event)
                run = first_run + 2 * turn + offset
                seconds = ingest(env, args, raw_key, database_url, run)
                onboarding_seconds[event] = min(onboarding_seconds[event], seconds)
    finally:
        try:
            if not args.keep:
                drop_database(base_url, name)
        finally:
            own_queues_delete(env)
    with_rls, without_rls = args.events / rls_seconds["with"], args.events / rls_seconds["without"]
    print(
        f"row-level security: ingest {with_rls:,.0f} ev/s with it, {without_rls:,.0f} ev/s "
        f"without | ratio {with_rls / without_rls:.3f}"
    )
    waiting = args.events / onboarding_seconds[WAITING_SENT]
    idle = args.events / onboarding_seconds[WAITING_NONE]
    print(
        f"onboarding steps: ingest {waiting:,.0f} ev/s with steps waiting for events sent, "
        f"{idle:,.0f} ev/s with none | ratio {waiting / idle:.3f}"
    )
    # Each turn's runs compared with each other (same tables, same moment), and the median
    # of those ratios taken: one slow or fast run moves it less than it moves a best-of.
    table_ratios = [c / i for i, c in zip(turns["ingest"], turns["table"], strict=True)]
    scratch_ratios = [c / i for i, c in zip(turns["ingest"], turns["scratch"], strict=True)]
    log("turn by turn, ingest / COPY into the events table: "
        + ", ".join(f"{ratio:.3f}" for ratio in table_ratios))  # fmt: skip
    log("turn by turn, ingest / COPY into the scratch table: "
        + ", ".join(f"{ratio:.3f}" for ratio in scratch_ratios))  # fmt: skip
    ingest_rate = args.events / median(turns["ingest"])
    copy_rate = args.events / median(turns["scratch"])
    table_rate = args.events / median(turns["table"])
    print(
        f"copy into the events table with its indexes and receipts {table_rate:,.0f} rows/s "
        f"| ingest ratio {median(table_ratios):.3f}"
    )
    print(
        f"ingest {ingest_rate:,.0f} ev/s | copy {copy_rate:,.0f} rows/s "
        f"| ratio {median(scratch_ratios):.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
