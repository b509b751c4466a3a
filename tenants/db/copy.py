"""COPY into a tenant-owned table, which row-level security makes PostgreSQL refuse.

`COPY ... FROM` is not allowed into a table with row-level security. The rows go into a
temporary table of the same columns first (no indexes, no policy), then into the table with
one `INSERT ... SELECT`, which the policy checks row by row: a row of another tenant than
the active one is refused, as with any insert.
"""

from django.db import models


def copy_in(cursor, model: type[models.Model], columns: list[str], buffer) -> None:
    """COPY `buffer` (COPY's text format, a file object) into `columns` of `model`'s table."""
    quote = cursor.db.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    staging = quote(f"copy_in_{model._meta.db_table}"[:63])
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{staging}")
    cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {names} FROM {table} WITH NO DATA")  # noqa: S608
    cursor.copy_expert(f"COPY {staging} ({names}) FROM STDIN", buffer)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging}")  # noqa: S608
    cursor.execute(f"DROP TABLE {staging}")
