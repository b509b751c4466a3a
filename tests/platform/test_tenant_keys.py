"""Every unique key of a tenant-owned table includes tenant_id, read from the database's own
catalog after the migrations: what distributing the tables by tenant (Citus) needs, since a
distributed table can only enforce uniqueness on keys that contain its distribution column.

A table's primary key (its surrogate id) is the one exception: at distribution time it becomes
(tenant_id, id). Unique constraints, unique=True fields and unique indexes, partial or on
expressions, all count; an index's INCLUDE columns do not make a key."""

import pytest
from django.db import connection

# Every unique index (a unique constraint is enforced by one) other than a primary key, of
# every table that has a tenant_id column, with whether tenant_id is one of its key columns
# (the first indnkeyatts of indkey; the rest are INCLUDE columns).
UNIQUE_KEYS = """
SELECT table_class.relname, index_class.relname, pg_get_indexdef(index.indexrelid),
       tenant_column.attnum = ANY ((index.indkey::int2[])[0:index.indnkeyatts - 1])
FROM pg_index AS index
JOIN pg_class AS table_class ON table_class.oid = index.indrelid
JOIN pg_class AS index_class ON index_class.oid = index.indexrelid
JOIN pg_namespace AS namespace ON namespace.oid = table_class.relnamespace
JOIN pg_attribute AS tenant_column
  ON tenant_column.attrelid = table_class.oid AND tenant_column.attname = 'tenant_id'
     AND NOT tenant_column.attisdropped
WHERE index.indisunique AND NOT index.indisprimary
  AND namespace.nspname = current_schema()
ORDER BY 1, 2
"""


def unique_keys():
    with connection.cursor() as cursor:
        cursor.execute(UNIQUE_KEYS)
        return cursor.fetchall()


@pytest.mark.django_db
def test_every_unique_key_of_a_tenant_owned_table_includes_tenant_id():
    keys = unique_keys()
    assert keys, "no unique key found: the query no longer reads the catalog it should"
    offenders = [f"{table}.{name}: {definition}" for table, name, definition, ok in keys if not ok]
    assert not offenders, "unique keys without tenant_id:\n" + "\n".join(offenders)


@pytest.mark.django_db
def test_the_catalog_query_sees_partial_and_expression_keys():
    """The check reads what it claims to: a partial unique index on an expression and a unique
    key whose tenant_id is only an INCLUDE column are both offenders."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE probe_keys (id bigint PRIMARY KEY, tenant_id bigint, name text);"
            "CREATE UNIQUE INDEX probe_partial ON probe_keys (lower(name)) WHERE name <> '';"
            "CREATE UNIQUE INDEX probe_include ON probe_keys (name) INCLUDE (tenant_id);"
            "CREATE UNIQUE INDEX probe_good ON probe_keys (tenant_id, lower(name));"
        )
    verdicts = {name: ok for table, name, _, ok in unique_keys() if table == "probe_keys"}
    assert verdicts == {"probe_good": True, "probe_include": False, "probe_partial": False}
