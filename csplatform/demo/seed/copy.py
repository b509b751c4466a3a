"""PostgreSQL COPY from in-memory text, and primary keys reserved from the table's sequence.

Rows are sent in COPY's text format (tab-separated, `\\N` for NULL). Keys are reserved with
nextval() so that child rows can name their parents in the same COPY stream, and so that
a concurrent insert elsewhere can never take the same id.
"""

import io

from django.db import models

from tenants.db.copy import copy_in

NULL = r"\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text(value: str) -> str:
    """Free text escaped for COPY's text format."""
    return value.translate(_ESCAPES)


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def copy_rows(cursor, model: type[models.Model], fields: list[str], lines: list[str]) -> int:
    """COPY `lines` (each ending in a newline) into the model's table; returns the row count."""
    if not lines:
        return 0
    columns = [model._meta.get_field(f).column for f in fields]
    copy_in(cursor, model, columns, io.BytesIO("".join(lines).encode()))
    return len(lines)


def ids_reserve(cursor, model: type[models.Model], count: int) -> list[int]:
    if count == 0:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return sorted(row[0] for row in cursor.fetchall())
