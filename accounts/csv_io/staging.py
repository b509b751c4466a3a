"""The stored records a file's rows name, found at once, and the checked rows in a table.

`records_find` looks up the rows the file updates and the accounts it names with one query
each, the file's keys sent as one array. For the apply, the checked rows are copied (COPY)
into `csv_import_rows`, a temporary table that lives until the transaction ends, which the
upsert (`writes`) reads. Every statement names the job's tenant (`tenant_id = %s`).
"""

import csv
import io
import json

from django.db import connection
from rest_framework.relations import RelatedField

from accounts.csv_io.formats import Kind
from accounts.csv_io.rows import Existing, FileChecker, Found
from accounts.models import Account

ROWS = "csv_import_rows"


# The model column a relation cell writes: the id of the account it names.
RELATION_COLUMNS = {"parent_external_id": "parent_id", "account_external_id": "account_id"}


def staged_columns(checker: FileChecker) -> list[tuple[str, str]]:
    """(name, SQL type) of the staged columns: the file's line, the id the row has or gets and
    whether it is new, then each column of the format; relations as the id of the account
    they name, the owner as the member's id."""
    columns = [("line", "integer"), ("id", "bigint"), ("is_new", "boolean")]
    for name in checker.fmt.columns:
        bound = checker.fields[name]
        if name == "owner_email":
            columns.append(("owner_id", "bigint"))
        elif name in RELATION_COLUMNS:
            columns.append((RELATION_COLUMNS[name], "bigint"))
        elif isinstance(bound, RelatedField) or name == "external_id":
            columns.append((name, "text"))
        elif name in checker.fmt.json:
            columns.append((name, "jsonb"))
        else:
            kind = checker.fmt.model._meta.get_field(name).get_internal_type()
            columns.append(
                (name, {"DecimalField": "numeric", "DateField": "date"}.get(kind, "text"))
            )
    return columns


def ids_reserve(cursor, model, count: int) -> list[int]:
    """`count` ids of the model's identity sequence, for the rows a file creates: a parent
    created by the file is known by its id before it is written (one query)."""
    if not count:
        return []
    cursor.execute(  # one array, not a row per id: a file creates up to 400,000 rows
        "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return cursor.fetchone()[0]


def rows_stage(checker: FileChecker) -> None:
    """COPY the checked values into the temporary table (inside the caller's transaction),
    each row with its id: the stored row's, or one reserved for the row it creates."""
    columns = staged_columns(checker)
    existing = checker.existing_pks
    xids = checker.values["external_id"]
    with connection.cursor() as cursor:
        reserved = iter(ids_reserve(cursor, checker.fmt.model, existing.count(None)))
        ids = [next(reserved) if pk is None else pk for pk in existing]
        created = {xid: pk for xid, pk, old in zip(xids, ids, existing, strict=True) if old is None}
        data = [checker.lines, ids, [pk is None for pk in existing]]
        for name, kind in columns[3:]:
            if name == "owner_id":
                values = checker.owner_ids
            elif name in RELATION_COLUMNS.values():
                column = next(key for key, value in RELATION_COLUMNS.items() if value == name)
                targets = checker.targets.get(column, [None] * len(ids))
                # ("new", xid): an account created on an earlier line of the file.
                values = [created[t[1]] if isinstance(t, tuple) else t for t in targets]
            else:
                values = checker.values[name]
            if kind == "jsonb":
                values = [None if value is None else json.dumps(value) for value in values]
            elif kind in ("numeric", "date"):
                values = [None if value is None else str(value) for value in values]
            data.append(values)  # text and ids as they are
        buffer = io.StringIO()
        # Unquoted empty cells are NULL; a checked value is never empty (a blank cell is None).
        csv.writer(buffer, lineterminator="\n").writerows(zip(*data, strict=True))
        buffer.seek(0)
        definition = ", ".join(f"{name} {kind}" for name, kind in columns)
        # A test's transaction never commits: a table left by the previous job goes first.
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{ROWS}")
        cursor.execute(f"CREATE TEMPORARY TABLE {ROWS} ({definition}) ON COMMIT DROP")
        names = ", ".join(name for name, _ in columns)
        cursor.copy_expert(f"COPY {ROWS} ({names}) FROM STDIN WITH (FORMAT csv)", buffer)
        cursor.execute(f"ANALYZE {ROWS}")  # the joins below are planned with its size


def records_find(checker: FileChecker, *, tenant_id: int, lock: bool) -> Found:
    """The stored rows the file updates and the accounts it names, with the parents above
    them (accounts). `lock`: for the apply, the rows to update are locked for it and the
    accounts named cannot be deleted until it commits."""
    fmt = checker.fmt
    table = fmt.model._meta.db_table
    extra = {
        Kind.ACCOUNTS: ", t.parent_id",
        Kind.SUBSCRIPTIONS: ", t.start_date, t.end_date",
    }.get(fmt.kind, "")
    found = Found(existing={}, accounts={})
    references = [
        name
        for name in ("parent_external_id", "account_external_id")
        if name in fmt.columns and name in checker.columns
    ]
    keys = sorted({key for key in checker.values["external_id"] if key is not None})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.external_id, t.id{extra} FROM {table} t "  # noqa: S608
            "WHERE t.tenant_id = %s AND t.external_id = ANY(%s)"
            + (" FOR NO KEY UPDATE" if lock else ""),
            [tenant_id, keys],
        )
        for external_id, pk, *rest in cursor.fetchall():
            if fmt.kind == Kind.ACCOUNTS:
                found.existing[external_id] = Existing(pk, parent_id=rest[0])
                found.parents[pk] = rest[0]
            elif fmt.kind == Kind.SUBSCRIPTIONS:
                found.existing[external_id] = Existing(pk, start_date=rest[0], end_date=rest[1])
            else:
                found.existing[external_id] = Existing(pk)
        for name in references:
            named = sorted({key for key in checker.values[name] if key is not None})
            cursor.execute(
                f"SELECT a.external_id, a.id, a.parent_id FROM {Account._meta.db_table} a "  # noqa: S608
                "WHERE a.tenant_id = %s AND a.external_id = ANY(%s)"
                + (" FOR KEY SHARE" if lock else ""),
                [tenant_id, named],
            )
            for external_id, pk, parent_id in cursor.fetchall():
                found.accounts[external_id] = pk
                found.parents[pk] = parent_id
        if fmt.kind == Kind.ACCOUNTS and "parent_external_id" in references:
            _ancestors_find(cursor, found, tenant_id)
    return found


def _ancestors_find(cursor, found: Found, tenant_id: int) -> None:
    """Every account above the ones found, for the cycle check (one recursive query)."""
    above = {parent for parent in found.parents.values() if parent is not None} - set(found.parents)
    if not above:
        return
    table = Account._meta.db_table
    cursor.execute(
        f"""
        WITH RECURSIVE up (id, parent_id) AS (
            SELECT id, parent_id FROM {table} WHERE tenant_id = %(tenant)s AND id = ANY(%(ids)s)
            UNION
            SELECT a.id, a.parent_id FROM {table} a JOIN up ON a.id = up.parent_id
            WHERE a.tenant_id = %(tenant)s
        )
        SELECT id, parent_id FROM up
        """,  # noqa: S608
        {"tenant": tenant_id, "ids": sorted(above)},
    )
    found.parents.update(cursor.fetchall())
