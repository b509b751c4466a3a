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
the import (the faster time is the baseline, so a warm cache never flatters the import). The
last line printed is the comparison:

    import 21,300 rows/s (check 7.9 s + apply 10.9 s) | copy 240,000 rows/s | ratio 0.089

The scratch database is dropped at the end (--keep keeps it).
"""

import argparse
import io
import json
import os
import subprocess
import sys
import time

import psycopg2

from bench.scratch import ROOT, create_database, drop_database, migrate, scratch_url
from bench.scratch import server_environment as environment

SLUG = "bench"
OWNER = "owner@bench.example"
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


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.step:
        print(json.dumps(step(args)))
        return 0
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        log("DATABASE_URL is not set; run through `make bench-import` (embedded PostgreSQL).")
        return 2
    name = f"csplatform_bench_import_{os.getpid()}"
    database_url = scratch_url(base_url, name)
    env = environment(database_url)
    create_database(base_url, name)
    try:
        log(f"Migrating scratch database {name} ...")
        migrate(env)
        log(f"Importing {args.rows:,} accounts (check, then apply) and COPYing the same file ...")
        done = subprocess.run(
            [sys.executable, "-m", "bench.import_csv", "--step", "--rows", str(args.rows)],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=3600,
            stdout=subprocess.PIPE,
            text=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        rows = result["rows"]
        log(
            f"  file {result['bytes'] / 2**20:.1f} MB; created {result['created']:,} accounts "
            f"({result['stored']:,} stored, {result['with_parent']:,} with a parent)"
        )
        seconds = result["check"] + result["apply"]
        imported, copied = rows / seconds, rows / result["copy"]
        print(
            f"import {imported:,.0f} rows/s (check {result['check']:.1f} s + apply "
            f"{result['apply']:.1f} s) | copy {copied:,.0f} rows/s ({result['copy']:.2f} s) "
            f"| ratio {imported / copied:.3f}"
        )
    finally:
        if args.keep:
            log(f"Kept scratch database {name}.")
        else:
            drop_database(base_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
