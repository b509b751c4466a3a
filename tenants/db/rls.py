"""Row-level security: the second wall between tenants, kept by PostgreSQL itself.

Every tenant-owned table has row-level security enabled and forced, with two policies:
- `tenant_isolation`, for the application role: a row is visible and writable only where its
  `tenant_id` is the one in the setting `csplatform.tenant_id`, or while the setting
  `csplatform.cross_tenant` is 'on' (the named cross-tenant paths);
- `owner_maintenance`, for the role that owns the tables (migrations and maintenance).

`rls_ensure` creates the application role, grants it what the application needs (no rights
on the partitions of a partitioned table: their rows are reached through the parent, where
its policies apply) and puts the policies on every tenant-owned table that lacks them.
`manage.py migrate` runs it after migrating, so a new tenant-owned table is covered by the
migration that creates it.
"""

from django.conf import settings
from django.db import DatabaseError, transaction

TENANT_SETTING = "csplatform.tenant_id"
CROSS_TENANT_SETTING = "csplatform.cross_tenant"
POLICY = "tenant_isolation"
OWNER_POLICY = "owner_maintenance"

# Each setting is read in a scalar subquery, which PostgreSQL evaluates once per statement
# (an InitPlan); called bare, current_setting() runs for every row, which doubled the time of
# a scan of a million rows.
_VISIBLE = (
    f"tenant_id = (SELECT NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint)"
    f" OR (SELECT current_setting('{CROSS_TENANT_SETTING}', true) = 'on')"
)
# Marks the policies of the current definition (COMMENT ON POLICY), so that `rls_ensure`
# replaces those an earlier version created.
VERSION = "csplatform row-level security 2"


def app_role() -> str:
    return settings.DATABASE_APP_ROLE


def tenant_tables(app_registry) -> list[str]:
    """The tables of the models that have a `tenant` foreign key to tenants.Tenant."""
    tables = set()
    for model in app_registry.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        field = next((f for f in model._meta.concrete_fields if f.name == "tenant"), None)
        if field is not None and field.is_relation:
            if field.related_model._meta.label_lower == "tenants.tenant":
                tables.add(model._meta.db_table)
    return sorted(tables)


def tables_without_policy(connection, tables: list[str]) -> list[str]:
    """Those of `tables` that lack forced row-level security or either policy of the
    current definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
             WHERE c.relname = ANY(%s) AND c.relrowsecurity AND c.relforcerowsecurity
               AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid
                             AND p.polname = %s
                             AND obj_description(p.oid, 'pg_policy') = %s)
               AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid
                             AND p.polname = %s)
            """,
            [tables, POLICY, VERSION, OWNER_POLICY],
        )
        covered = {row[0] for row in cursor.fetchall()}
    return [table for table in tables if table not in covered]


def rls_ensure(connection, app_registry) -> list[str]:
    """Create the application role and its grants, and the policies of every tenant-owned
    table that lacks them; return the tables given policies now. Idempotent."""
    role = connection.ops.quote_name(app_role())
    tables = tenant_tables(app_registry)
    existing = set(connection.introspection.table_names())
    missing = tables_without_policy(connection, [t for t in tables if t in existing])
    # One transaction: the grants of a new table never show before its policies do.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role()])
        if cursor.fetchone() is None:
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute(f"CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS")
            except DatabaseError:
                # Roles belong to the whole server: another database migrating at the same
                # moment (parallel test databases) created it first.
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role()])
                if cursor.fetchone() is None:
                    raise
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            # A login role that is no superuser may only SET ROLE to roles it belongs to.
            cursor.execute(f"GRANT {role} TO CURRENT_USER")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        # A partition's rows are not filtered by its parent's policies when it is queried
        # directly: the application reaches partitioned tables through the parent only.
        cursor.execute(
            "SELECT c.oid::regclass::text FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()"
            " WHERE c.relispartition AND c.relkind IN ('r', 'p')"
        )
        for (partition,) in cursor.fetchall():
            cursor.execute(f"REVOKE ALL ON {partition} FROM {role}")
        for table in missing:
            name = connection.ops.quote_name(table)
            cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {name}")
            cursor.execute(f"DROP POLICY IF EXISTS {OWNER_POLICY} ON {name}")
            cursor.execute(
                f"CREATE POLICY {POLICY} ON {name} TO {role} USING ({_VISIBLE})"
                f" WITH CHECK ({_VISIBLE})"
            )
            cursor.execute(f"COMMENT ON POLICY {POLICY} ON {name} IS %s", [VERSION])
            cursor.execute(
                f"CREATE POLICY {OWNER_POLICY} ON {name} TO CURRENT_USER"
                " USING (true) WITH CHECK (true)"
            )
    return missing
