"""The apply pass's writes: one upsert of the staged rows into their table, set-based.

`INSERT ... SELECT ... ON CONFLICT (tenant_id, external_id) DO UPDATE` writes every staged row
with the job's tenant: a new external id creates a row, an existing one gets the columns the
file gives (a blank cell keeps the stored value; a blank nullable cell clears it). A row whose
values are all as stored is not written, as the upsert services leave it. Accounts whose
parent is created by the same file get it with one UPDATE after the upsert. What was written
is noted in `csv_import_written`, from which metrics learn what changed, once per file.
"""

import json
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.csv_io.formats import Format, Kind
from accounts.csv_io.staging import ROWS
from accounts.models import Account, Contact, Subscription
from metrics import changes as metrics_changes
from tenants.models import Tenant

WRITTEN = "csv_import_written"

# Model columns of the relation and owner columns, with the join that resolves them.
_RESOLVED = {
    "owner_email": ("owner_id", "s.owner_id"),
    "parent_external_id": ("parent_id", "p.id"),
    "account_external_id": ("account_id", "r.id"),
}
_JOINS = {
    "parent_external_id": "LEFT JOIN {accounts} p ON p.tenant_id = %(tenant)s "
    "AND p.external_id = s.parent_external_id",
    "account_external_id": "LEFT JOIN {accounts} r ON r.tenant_id = %(tenant)s "
    "AND r.external_id = s.account_external_id",
}
# What each kind tells metrics: the stored values compared with the written ones.
_OLD = {
    Kind.ACCOUNTS: ("segment", "owner_id"),
    Kind.CONTACTS: ("account_id",),
    Kind.SUBSCRIPTIONS: ("account_id", "start_date", "end_date", "mrr"),
}


@dataclass(frozen=True)
class Written:
    created: int
    changed: bool  # a change metrics hear about (see `_changed_sql`)
    first_start: date | None  # subscriptions: the earliest start and end among changed terms
    first_end: date | None
    raced_line: int | None  # a row another transaction created while this file was applied


def written_prepare() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{WRITTEN}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {WRITTEN} (id bigint, line integer, inserted boolean, "
            "raced boolean, changed boolean, first_start date, first_end date) ON COMMIT DROP"
        )


def rows_write(*, fmt: Format, columns: list[str], tenant: Tenant, after: int, until: int) -> None:
    """Upsert the staged rows of lines after `after` up to `until` (the whole file, or a part
    of it when a refused row is looked for)."""
    given = set(columns)
    table = fmt.model._meta.db_table
    accounts = Account._meta.db_table
    params = {
        "tenant": tenant.pk,
        "currency": tenant.currency,
        "now": timezone.now(),
        "after": after,
        "until": until,
    }
    selected, joins = [], []
    for name in fmt.columns:
        if name == "external_id":
            continue
        column, expression = _value_sql(fmt, name, given, params)
        selected.append((column, expression))
        if name in _JOINS and name in given:
            joins.append(_JOINS[name].format(accounts=accounts))
    names = [column for column, _ in selected]
    old = _OLD[fmt.kind]
    statement = f"""
        WITH src AS MATERIALIZED (
            SELECT s.line, s.external_id,
                {", ".join(f"{expression} AS {column}" for column, expression in selected)},
                a.id AS old_id, {", ".join(f"a.{name} AS old_{name}" for name in old)}
            FROM {ROWS} s
            LEFT JOIN {table} a ON a.tenant_id = %(tenant)s AND a.external_id = s.external_id
            {" ".join(joins)}
            WHERE s.line > %(after)s AND s.line <= %(until)s
        ), written AS (
            INSERT INTO {table} AS t (tenant_id, external_id, {", ".join(names)},
                                      created_at, updated_at)
            SELECT %(tenant)s, external_id, {", ".join(names)}, %(now)s, %(now)s
            FROM src ORDER BY line
            ON CONFLICT (tenant_id, external_id) DO UPDATE SET
                {", ".join(f"{name} = EXCLUDED.{name}" for name in names)},
                updated_at = EXCLUDED.updated_at
            WHERE ({", ".join(f"t.{name}" for name in names)})
                IS DISTINCT FROM ({", ".join(f"EXCLUDED.{name}" for name in names)})
            RETURNING t.id, t.external_id, t.xmax = 0 AS inserted,
                {", ".join(f"t.{name}" for name in old)}
        )
        INSERT INTO {WRITTEN} (id, line, inserted, raced, changed, first_start, first_end)
        SELECT w.id, src.line, w.inserted, src.old_id IS NULL AND NOT w.inserted,
            {_changed_sql(fmt.kind)}
        FROM written w JOIN src ON src.external_id = w.external_id
    """  # noqa: S608  (names come from the format, values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        if "parent_external_id" in given:
            # Parents created by this file had no id when the upsert read them.
            cursor.execute(
                f"""
                UPDATE {table} t SET parent_id = p.id, updated_at = %(now)s
                FROM {ROWS} s JOIN {table} p
                    ON p.tenant_id = %(tenant)s AND p.external_id = s.parent_external_id
                WHERE t.tenant_id = %(tenant)s AND t.external_id = s.external_id
                    AND s.line > %(after)s AND s.line <= %(until)s
                    AND t.parent_id IS DISTINCT FROM p.id
                """,  # noqa: S608
                params,
            )


def _value_sql(fmt: Format, name: str, given: set, params: dict) -> tuple[str, str]:
    """The model column a format column writes, and the value written: the file's when it
    gives one, else the stored one, else the model's default."""
    if name in _RESOLVED:
        column, resolved = _RESOLVED[name]
        return column, resolved if name in given else f"a.{column}"
    if name == "currency":
        # As subscription_upsert: a term given without a currency gets the tenant's.
        return name, "COALESCE(s.currency, %(currency)s)"
    if name in fmt.nullable:
        return name, f"s.{name}" if name in given else f"a.{name}"
    candidates = [f"s.{name}"] if name in given else []
    candidates.append(f"a.{name}")
    default = fmt.model._meta.get_field(name).get_default()
    if default is not None:
        params[f"default_{name}"] = json.dumps(default) if name in fmt.json else default
        cast = "::jsonb" if name in fmt.json else ""
        candidates.append(f"%(default_{name})s{cast}")
    return name, f"COALESCE({', '.join(candidates)})"


def _changed_sql(kind: str) -> str:
    """`changed, first_start, first_end` of a written row, for metrics: accounts whose segment
    or owner changed; contacts created or moved to another account; terms created or changed
    in account, dates or MRR, with the earliest of their old and new dates."""
    old = _OLD[kind]
    differs = (
        f"({', '.join(f'w.{name}' for name in old)}) IS DISTINCT FROM "
        f"({', '.join(f'src.old_{name}' for name in old)})"
    )
    if kind == Kind.ACCOUNTS:
        return f"NOT w.inserted AND {differs}, NULL, NULL"
    if kind == Kind.CONTACTS:
        return f"w.inserted OR {differs}, NULL, NULL"
    return (
        f"w.inserted OR {differs}, LEAST(w.start_date, src.old_start_date), "
        "LEAST(w.end_date, src.old_end_date)"
    )


def written_summary() -> Written:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE inserted), coalesce(bool_or(changed), false), "
            "min(first_start) FILTER (WHERE changed), min(first_end) FILTER (WHERE changed), "
            "min(line) FILTER (WHERE raced) FROM csv_import_written"
        )
        return Written(*cursor.fetchone())


def changes_report(*, fmt: Format, tenant: Tenant, written: Written) -> None:
    """What the upsert services tell metrics row by row, told once for the file."""
    if fmt.kind == Kind.ACCOUNTS:
        if written.created:
            created = Account.objects.for_tenant(tenant).filter(
                pk__in=RawSQL("SELECT id FROM csv_import_written WHERE inserted", ())  # noqa: S611
            )
            metrics_changes.accounts_created(tenant=tenant, accounts=created)
        if written.changed:
            metrics_changes.account_changed(tenant=tenant)
    elif fmt.kind == Kind.CONTACTS and written.changed:
        contacts = Contact.objects.for_tenant(tenant).filter(
            pk__in=RawSQL("SELECT id FROM csv_import_written WHERE changed", ())  # noqa: S611
        )
        metrics_changes.contacts_created(tenant=tenant, contacts=contacts)
    elif fmt.kind == Kind.SUBSCRIPTIONS and written.changed:
        # The earliest start and the earliest end of the terms written and of what they
        # replaced: the one term that marks the same first day as all of them.
        span = Subscription(start_date=written.first_start, end_date=written.first_end)
        metrics_changes.terms_changed(tenant=tenant, terms=[span])
