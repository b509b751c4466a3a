"""docs/operations.md's backup and restore, run as written with the real pg_dump and
pg_restore: a database with a demo history and its computed figures, dumped, restored into a
new database, holds the same rows, figures, sequences and row-level security policies."""

import re
import subprocess
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command

from accounts.models import Subscription
from metrics.models import MetricFigure, UsageEvent
from metrics.services.recompute import metrics_backfill
from tenants.services.tenants import tenant_create
from tenants.tenancy.context import tenant_scope
from tests.conftest import _database_url

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "operations.md").read_text()


def backup_block() -> str:
    [block] = [
        text
        for text in re.findall(r"^```sh\n(.*?)^```", DOC, flags=re.M | re.S)
        if text.startswith("pg_dump ")
    ]
    return block


def _snapshot(url: str) -> dict:
    """Every table's row count, the figures' contents, sequences and policies."""
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            tables = [row[0] for row in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # names from the catalog
                counts[table] = cursor.fetchone()[0]
            figures = MetricFigure._meta.db_table
            cursor.execute(
                f"SELECT count(*), sum(value), md5(string_agg("  # noqa: S608
                f"  concat_ws('|', tenant_id, grain, dimension, key, period, metric, value,"
                f"            numerator, denominator), ',' ORDER BY id)) FROM {figures}"
            )
            figure_digest = cursor.fetchone()
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = 'public' ORDER BY 1"
            )
            sequences = cursor.fetchall()
            cursor.execute(
                "SELECT c.relname, p.polname, pg_get_expr(p.polqual, p.polrelid) "
                "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid ORDER BY 1, 2"
            )
            policies = cursor.fetchall()
    finally:
        connection.close()
    return {
        "counts": counts,
        "figures": figure_digest,
        "sequences": sequences,
        "policies": policies,
    }


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_new_database_with_the_same_figures(tmp_path):
    tenant, _ = tenant_create(
        slug="acme", name="Acme Corp", owner_email="owner@acme.example", currency="USD"
    )
    call_command(
        "seed_demo", "acme", "--accounts", "30", "--days", "120", "--seed", "3",
        "--end-date", "2026-01-31", stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    with tenant_scope(tenant):
        metrics_backfill(
            tenant=tenant, since=Subscription.objects.earliest("start_date").start_date
        )
    source = _database_url()
    restored_name = f"{source.rsplit('/', 1)[1]}_restored"
    restored = f"{source.rsplit('/', 1)[0]}/{restored_name}"
    drop = ["dropdb", f"--maintenance-db={source}", "--if-exists", restored_name]
    subprocess.run(drop, check=True)
    try:
        script = backup_block().replace("csplatform_restored", restored_name)
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": source, "RESTORE_URL": restored},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "csplatform.dump").stat().st_size > 0
        before, after = _snapshot(source), _snapshot(restored)
        assert before["counts"][UsageEvent._meta.db_table] > 1000  # a history, not an empty shell
        assert before["figures"][0] > 100
        assert after == before
    finally:
        subprocess.run(drop, check=True)
