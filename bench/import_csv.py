"""CSV import benchmark: rows/s of checking and applying a file against a plain COPY of it.

    make bench-import ARGS="--rows 400000"
    python -m csplatform.embedded -- python -m bench.import_csv [--rows N] [--keep]

It creates a scratch database on the PostgreSQL of DATABASE_URL (the embedded one through
csplatform.embedded), migrates it and, in a fresh process with production settings, adds a
tenant and writes a valid accounts file of --rows rows (the largest the upload form takes:
400,000 rows, just under 20 MB): every column given, a parent named on an earlier line on
one row in ten, an owner on one in twenty, traits on one in ten. It runs the import as the
tasks do (`validate_import`, then `apply_import`, called in this process, no broker) and
loads the same file with COPY into a scratch table of text columns, timed before and after
the import (the faster time is the baseline, so a warm cache never flatters the import).

Before the import it measures two reference floors with the same rows in a scratch tenant of
their own (deleted and vacuumed after each): a COPY straight into the accounts table (its
indexes, foreign keys and policy; as the table owner, the login role of DATABASE_URL) and a
COPY into a temporary table followed by one INSERT ... SELECT into the accounts table as the
application role (`tenants.db.copy.copy_in`), each committed. They print first, each as rows/s,
its ratio to the baseline and the share of it the import reaches:

    reference: copy straight into accounts_account (owner) 31,500 rows/s (3.17 s) | ratio ...
    reference: INSERT ... SELECT from a staged table (app role) 27,900 rows/s (3.59 s) | ...

The last line printed is the comparison:

    import 9,800 rows/s (check 2.8 s + apply 7.4 s) | copy 672,000 rows/s (0.15 s) | ratio 0.015

The scratch database is dropped at the end (--keep keeps it).
"""

import argparse
import io
import os
import sys
import time

import psycopg2

from bench.steps import bench_main, log, run_step

SLUG = "bench"
OWNER = "owner@bench.example"
FLOOR_OWNER = "owner@floor.bench.example"
COLUMNS = [
    "external_id",
    "name",
    "domain",
    "owner_email",
    "parent_external_id",
    "segment",
    "lifecycle_stage",
    "traits",
]
SEGMENTS = ["SMB", "Mid", "Ent"]
STAGES = ["trial", "onboarding", "adoption", "renewal"]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=400_000, help="rows in the accounts file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--step", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1.")
    return args


def accounts_file(rows: int) -> str:
    """A valid accounts file: deterministic, every column in use, parents on earlier lines."""
    lines = [",".join(COLUMNS)]
    for n in range(rows):
        owner = OWNER if n % 20 == 7 else ""
        parent = f"a{n - 3}" if n % 10 == 5 else ""
        traits = f'"{{""tier"":{n % 4}}}"' if n % 10 == 1 else ""
        lines.append(
            f"a{n},Co {n},c{n}.test,{owner},{parent},{SEGMENTS[n % 3]},{STAGES[n % 4]},{traits}"
        )
    return "\n".join(lines) + "\n"


def plain_copy(database_url: str, text: str) -> float:
    """Seconds to COPY the file as it is into a table of text columns (no checks, no index)."""
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_import_copy")
            cursor.execute(
                "CREATE TABLE bench_import_copy ("
                + ", ".join(f"{name} text" for name in COLUMNS)
                + ")"
            )
            connection.commit()
            started = time.perf_counter()
            cursor.copy_expert(
                "COPY bench_import_copy FROM STDIN WITH (FORMAT csv, HEADER true)",
                io.StringIO(text),
            )
            connection.commit()
            seconds = time.perf_counter() - started
            cursor.execute("DROP TABLE bench_import_copy")
            connection.commit()
            return seconds
    finally:
        connection.close()


TABLE_COLUMNS = [
    "id",
    "tenant_id",
    "external_id",
    "name",
    "domain",
    "owner_id",
    "parent_id",
    "segment",
    "lifecycle_stage",
    "traits",
    "created_at",
    "updated_at",
]


def table_rows(rows: int, tenant_id: int, owner_id: int, ids: list[int]) -> str:
    """The rows of `accounts_file` as the accounts table stores them (COPY's text format):
    ids given, parents and owners as ids, blank cells as the model's defaults."""
    now = "2026-01-01 00:00:00+00"
    lines = []
    for n in range(rows):
        owner = str(owner_id) if n % 20 == 7 else "\\N"
        parent = str(ids[n - 3]) if n % 10 == 5 else "\\N"
        traits = f'{{"tier": {n % 4}}}' if n % 10 == 1 else "{}"
        lines.append(
            f"{ids[n]}\t{tenant_id}\ta{n}\tCo {n}\tc{n}.test\t{owner}\t{parent}\t"
            f"{SEGMENTS[n % 3]}\t{STAGES[n % 4]}\t{traits}\t{now}\t{now}"
        )
    return "\n".join(lines) + "\n"


def floor_copy(database_url: str, text: str) -> float:
    """Seconds to COPY the rows straight into the accounts table, with its indexes, its
    foreign keys (checked at commit) and its policy, as the table owner, then committed."""
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.copy_expert(
                f"COPY accounts_account ({', '.join(TABLE_COLUMNS)}) FROM STDIN",
                io.StringIO(text),
            )
            connection.commit()
            return time.perf_counter() - started
    finally:
        connection.close()


def floor_insert(tenant, text: str) -> float:
    """Seconds to COPY the rows into a temporary table and write them into the accounts
    table with one INSERT ... SELECT, as the application role under the tenant's policy
    (`copy_in`), then committed: the least a set-based import writes."""
    from django.db import connection, transaction

    from accounts.models import Account
    from tenants.db.copy import copy_in
    from tenants.tenancy.context import tenant_scope

    started = time.perf_counter()
    with tenant_scope(tenant), transaction.atomic(), connection.cursor() as cursor:
        copy_in(cursor, Account, TABLE_COLUMNS, io.StringIO(text))
    return time.perf_counter() - started


def floor_clear(database_url: str, tenant_id: int) -> None:
    """Delete the scratch tenant's accounts and vacuum, so the next load meets a clean table."""
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_account WHERE tenant_id = %s", [tenant_id])
        connection.commit()
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE accounts_account")
    finally:
        connection.close()


def floors(args, database_url: str) -> dict:
    """The reference loads into the accounts table, in a scratch tenant of their own, each
    deleted again before the import runs."""
    from django.db import connection

    from tenants.models import Membership
    from tenants.services.tenants import tenant_create
    from tenants.tenancy.context import tenant_scope

    tenant, _ = tenant_create(slug="bench-floor", name="Floor", owner_email=FLOOR_OWNER)
    with tenant_scope(tenant):
        owner_id = Membership.objects.for_tenant(tenant).get().pk
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence('accounts_account', 'id'))) "
                "FROM generate_series(1, %s)",
                [args.rows],
            )
            ids = cursor.fetchone()[0]
    text = table_rows(args.rows, tenant.pk, owner_id, ids)
    copied = floor_copy(database_url, text)
    floor_clear(database_url, tenant.pk)
    inserted = floor_insert(tenant, text)
    floor_clear(database_url, tenant.pk)
    return {"floor_copy": copied, "floor_insert": inserted}


def step(args) -> dict:
    """The import and the baseline, in this process (the parent runs it in a child)."""
    import django

    django.setup()
    from accounts.csv_io.formats import MAX_FILE_BYTES
    from accounts.models import Account, ImportJob
    from accounts.tasks import apply_import, validate_import
    from tenants.services.tenants import tenant_create
    from tenants.tenancy.context import tenant_scope

    Status = ImportJob.Status
    text = accounts_file(args.rows)
    size = len(text.encode())
    if size > MAX_FILE_BYTES:
        log(f"  the file is {size / 2**20:.1f} MB, over the upload limit (the form refuses it)")
    tenant, _ = tenant_create(slug=SLUG, name="Bench", owner_email=OWNER)
    database_url = os.environ["DATABASE_URL"]
    first_copy = plain_copy(database_url, text)
    reference = floors(args, database_url)
    with tenant_scope(tenant):
        job = ImportJob.objects.for_tenant(tenant).create(
            tenant=tenant, kind="accounts", original_filename="bench.csv", content=text
        )
    started = time.perf_counter()
    status = validate_import(tenant.pk, job.pk)
    checked = time.perf_counter() - started
    if status != Status.VALIDATED:
        with tenant_scope(tenant):
            job.refresh_from_db()
        raise SystemExit(f"validation ended {status}: {job.errors[:3]} {job.message}")
    # What import_job_request_apply does, without queueing the task.
    with tenant_scope(tenant):
        ImportJob.objects.for_tenant(tenant).filter(pk=job.pk).update(status=Status.APPLYING)
    started = time.perf_counter()
    status = apply_import(tenant.pk, job.pk)
    applied = time.perf_counter() - started
    with tenant_scope(tenant):
        job.refresh_from_db()
        if status != Status.APPLIED:
            raise SystemExit(f"apply ended {status}: {job.message}")
        stored = Account.objects.for_tenant(tenant).count()
        with_parent = Account.objects.for_tenant(tenant).filter(parent__isnull=False).count()
    second_copy = plain_copy(database_url, text)
    return {
        "rows": args.rows,
        "bytes": size,
        "check": checked,
        "apply": applied,
        "created": job.create_count,
        "stored": stored,
        "with_parent": with_parent,
        "copy": min(first_copy, second_copy),
        **reference,
    }


def run(args, database_url: str, env: dict) -> None:
    log(f"Importing {args.rows:,} accounts (check, then apply) and COPYing the same file ...")
    result = run_step("bench.import_csv", env, "--step", "--rows", args.rows)
    rows = result["rows"]
    log(
        f"  file {result['bytes'] / 2**20:.1f} MB; created {result['created']:,} accounts "
        f"({result['stored']:,} stored, {result['with_parent']:,} with a parent)"
    )
    seconds = result["check"] + result["apply"]
    imported, copied = rows / seconds, rows / result["copy"]
    for label, key in (
        ("copy straight into accounts_account (owner)", "floor_copy"),
        ("INSERT ... SELECT from a staged table (app role)", "floor_insert"),
    ):
        rate = rows / result[key]
        print(
            f"reference: {label} {rate:,.0f} rows/s ({result[key]:.2f} s) "
            f"| ratio {rate / copied:.3f} (import is {imported / rate:.2f} of it)"
        )
    print(
        f"import {imported:,.0f} rows/s (check {result['check']:.1f} s + apply "
        f"{result['apply']:.1f} s) | copy {copied:,.0f} rows/s ({result['copy']:.2f} s) "
        f"| ratio {imported / copied:.3f}"
    )


def main(argv=None) -> int:
    return bench_main(parse_args(argv), step=step, label="import", make="bench-import", run=run)


if __name__ == "__main__":
    sys.exit(main())
