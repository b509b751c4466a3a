"""The second wall: PostgreSQL's row-level security confines the application role to one
tenant on every tenant-owned table, whatever the SQL says."""

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tenants.db.rls import app_role, rls_ensure, tables_without_policy, tenant_tables
from tenants.db.session import application_role
from tenants.tenancy.context import tenant_scope
from tests.platform.tenant_data import tenant_owned_models

pytestmark = pytest.mark.django_db


def test_every_tenant_owned_table_has_its_policies():
    tables = tenant_tables(apps)
    assert {m._meta.db_table for m in tenant_owned_models()} <= set(tables)
    assert "accounts_account" in tables and "tenants_membership" in tables
    assert "tenants_tenant" not in tables  # the tenants themselves are no tenant's rows
    assert tables_without_policy(connection, tables) == []


def test_a_table_without_policy_is_found(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE rls_probe (id bigint, tenant_id bigint)")
    assert tables_without_policy(connection, ["rls_probe", "accounts_account"]) == ["rls_probe"]


def test_the_application_role_is_neither_superuser_nor_bypassrls():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role()]
        )
        assert cursor.fetchone() == (False, False)


@contextmanager
def _as_app(tenant):
    """As the application, acting for `tenant` (None: no tenant active), in a transaction
    rolled back at the end; the database backend sets the role and the tenant."""
    with transaction.atomic(), application_role():
        if tenant is None:
            yield
        else:
            with tenant_scope(tenant):
                yield
        transaction.set_rollback(True)


def _refused(cursor, sql, params=()) -> bool:
    try:
        with transaction.atomic():
            cursor.execute(sql, params)
    except DatabaseError as error:
        assert "row-level security" in str(error), error
        return True
    return False


def test_raw_sql_sees_and_writes_only_the_active_tenants_rows(filled_tenants):
    a, b = filled_tenants
    with connection.cursor() as cursor:
        counts = {}
        for table in tenant_tables(apps):
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE tenant_id = %s', [a.pk])
            counts[table] = cursor.fetchone()[0]
        assert all(counts.values()), counts  # a row of A everywhere: every table is tried
        problems = []
        for table, count in counts.items():
            with _as_app(a):
                cursor.execute(
                    f'SELECT count(*), count(*) FILTER (WHERE tenant_id <> %s) FROM "{table}"',
                    [a.pk],
                )
                if cursor.fetchone() != (count, 0):
                    problems.append(f"{table}: A sees other rows or misses its own")
                cursor.execute(
                    "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)"
                    " FROM information_schema.columns WHERE table_name = %s",
                    [table],
                )
                columns = cursor.fetchone()[0]
                moved = columns.replace("tenant_id", "%s AS tenant_id", 1)
                if not _refused(
                    cursor,
                    f'INSERT INTO "{table}" ({columns}) SELECT {moved} FROM "{table}" LIMIT 1',
                    [b.pk],
                ):
                    problems.append(f"{table}: an INSERT naming B went through")
                if not _refused(
                    cursor,
                    f'UPDATE "{table}" SET tenant_id = %s'
                    f' WHERE ctid = (SELECT ctid FROM "{table}" LIMIT 1)',
                    [b.pk],
                ):
                    problems.append(f"{table}: an UPDATE moving a row to B went through")
            with _as_app(None):
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                if cursor.fetchone()[0] != 0:
                    problems.append(f"{table}: rows visible with no tenant set")
            with _as_app(b):
                cursor.execute(f'SELECT count(*) FROM "{table}" WHERE tenant_id = %s', [a.pk])
                if cursor.fetchone()[0] != 0:
                    problems.append(f"{table}: B sees A's rows")
    assert not problems, "\n".join(problems)


def test_the_owner_keeps_maintaining_every_row(filled_tenants):
    a, b = filled_tenants
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT tenant_id) FROM accounts_account")
        assert cursor.fetchone()[0] >= 1
        cursor.execute("SELECT count(*) FROM tenants_membership WHERE tenant_id IN (%s, %s)",
                       [a.pk, b.pk])  # fmt: skip
        assert cursor.fetchone()[0] >= 3


def test_policies_of_an_earlier_definition_are_replaced_by_migrate(db):
    with connection.cursor() as cursor:
        cursor.execute("COMMENT ON POLICY tenant_isolation ON accounts_account IS NULL")
    assert tables_without_policy(connection, ["accounts_account"]) == ["accounts_account"]
    assert rls_ensure(connection, apps) == ["accounts_account"]
    assert tables_without_policy(connection, tenant_tables(apps)) == []


def test_the_policy_reads_the_settings_once_per_statement_not_per_row(filled_tenants):
    a, _ = filled_tenants
    with _as_app(a), connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT count(*) FROM accounts_account")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    filters = [line for line in plan.splitlines() if "Filter:" in line]
    assert "InitPlan" in plan and filters, plan
    assert not any("current_setting" in line for line in filters), plan


def _partitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relispartition AND c.relkind = 'r'"
            " AND c.relnamespace = current_schema()::regnamespace ORDER BY 1"
        )
        return [name for (name,) in cursor.fetchall()]


def test_partitions_are_reached_through_their_parent_only(filled_tenants):
    """A partition's rows are not filtered by its parent's policies: the application role
    has no rights on partitions, and their own row-level security (no policy) shows it
    nothing should rights be granted by mistake."""
    a, _ = filled_tenants
    partitions = _partitions()
    assert "metrics_usageevent_default" in partitions
    assert len(partitions) >= 4  # this month's, the two ahead and the default
    problems = []
    with connection.cursor() as cursor:
        for partition in partitions:
            with _as_app(a):
                try:
                    with transaction.atomic():
                        cursor.execute(f'SELECT count(*) FROM "{partition}"')
                    problems.append(f"{partition}: readable by the application role")
                except DatabaseError as error:
                    assert "permission denied" in str(error), error
        partition = partitions[0]
        cursor.execute(f'GRANT SELECT ON "{partition}" TO "{app_role()}"')
        cursor.execute(f'SELECT count(*) FROM "{partition}"')
        assert cursor.fetchone()[0] >= 0
        with _as_app(a):
            cursor.execute(f'SELECT count(*) FROM "{partition}"')
            assert cursor.fetchone()[0] == 0  # granted by mistake: still nothing visible
    assert not problems, "\n".join(problems)


def test_migrate_takes_back_the_rights_on_partitions(db):
    partition = _partitions()[0]
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT SELECT ON "{partition}" TO "{app_role()}"')
        rls_ensure(connection, apps)
        cursor.execute("SELECT has_table_privilege(%s, %s, 'SELECT')", [app_role(), partition])
        assert cursor.fetchone()[0] is False
        cursor.execute(
            "SELECT has_table_privilege(%s, 'metrics_usageevent', 'SELECT')", [app_role()]
        )
        assert cursor.fetchone()[0] is True
