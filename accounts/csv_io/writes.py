"""The apply pass's writes: the staged rows into their table, set-based.

Rows the file creates are written with one `INSERT ... SELECT` under the ids staged for them
(so a parent created by the same file is named by its id at once); rows that exist get the
columns the file gives with one `UPDATE ... FROM` (a blank cell keeps the stored value; a blank
nullable cell clears it), both stamped with the job's tenant. A row whose values are all as
stored is not written, as the upsert services leave it. What was written is noted in
`csv_import_written`, from which metrics learn what changed, once per file.
"""

import json
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.csv_io.formats import Format, Kind
from accounts.csv_io.staging import RELATION_COLUMNS, ROWS
from accounts.models import Account, Contact, Subscription
from accounts.models.account import LifecycleStage
from accounts.webhook_events import accounts_churned_emit
from metrics import changes as metrics_changes
from tenants.models import Tenant

WRITTEN = "csv_import_written"
CHURNED = LifecycleStage.CHURNED.value

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


def written_prepare() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{WRITTEN}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {WRITTEN} (id bigint, inserted boolean, changed boolean, "
            "first_start date, first_end date, churned boolean) ON COMMIT DROP"
        )


def rows_write(*, fmt: Format, columns: list[str], tenant: Tenant, after: int, until: int) -> None:
    """Write the staged rows of lines after `after` up to `until` (the whole file, or a part
    of it when a refused row is looked for): the new ones, then the changed ones."""
    given = set(columns)
    table = fmt.model._meta.db_table
    params = {
        "tenant": tenant.pk,
        "currency": tenant.currency,
        "now": timezone.now(),
        "after": after,
        "until": until,
    }
    values = [_value_sql(fmt, name, given, params) for name in fmt.columns if name != "external_id"]
    names = [column for column, _, _ in values]
    terms = fmt.kind == Kind.SUBSCRIPTIONS
    accounts = fmt.kind == Kind.ACCOUNTS
    returned_stage = ", lifecycle_stage" if accounts else ""
    # Accounts whose lifecycle stage becomes churned (new ones included): `account.churned`.
    churned_new = f"w.lifecycle_stage = '{CHURNED}'" if accounts else "false"
    churned_changed = (
        f"(t.lifecycle_stage = '{CHURNED}' AND o.lifecycle_stage IS DISTINCT FROM '{CHURNED}')"
        if accounts
        else "false"
    )
    inserted = f"""
        WITH w AS (
            INSERT INTO {table} (id, tenant_id, external_id, {", ".join(names)},
                                 created_at, updated_at)
            SELECT s.id, %(tenant)s, s.external_id,
                {", ".join(created for _, created, _ in values)}, %(now)s, %(now)s
            FROM {ROWS} s
            WHERE s.is_new AND s.line > %(after)s AND s.line <= %(until)s
            RETURNING id{", start_date, end_date" if terms else ""}{returned_stage}
        )
        INSERT INTO {WRITTEN} (id, inserted, changed, first_start, first_end, churned)
        SELECT w.id, true, {_changed_sql(fmt.kind, inserted=True)}, {churned_new} FROM w
    """  # noqa: S608  (names come from the format, values are parameters)
    stored = ", ".join(f"o.{name}" for name in names)
    updated = ", ".join(expression for _, _, expression in values)
    changed_rows = f"""
        WITH w AS (
            UPDATE {table} t SET
                {", ".join(f"{name} = {expression}" for name, _, expression in values)},
                updated_at = %(now)s
            FROM {ROWS} s JOIN {table} o ON o.tenant_id = %(tenant)s AND o.id = s.id
            WHERE t.tenant_id = %(tenant)s AND t.id = s.id AND NOT s.is_new
                AND s.line > %(after)s AND s.line <= %(until)s
                AND ({stored}) IS DISTINCT FROM ({updated})
            RETURNING t.id, {_changed_sql(fmt.kind, inserted=False)},
                {churned_changed} AS churned
        )
        INSERT INTO {WRITTEN} (id, inserted, changed, first_start, first_end, churned)
        SELECT w.id, false, w.changed, w.first_start, w.first_end, w.churned FROM w
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(inserted, params)
        cursor.execute(changed_rows, params)


def _changed_sql(kind: str, *, inserted: bool) -> str:
    """`changed, first_start, first_end` of a written row (`w` new, or `t` updated from `o`),
    for metrics: accounts whose segment or owner changed; contacts created or moved to another
    account; terms created or changed in account, dates or MRR, with the earliest of their
    old and new dates."""
    if inserted:
        if kind == Kind.SUBSCRIPTIONS:
            return "true, w.start_date, w.end_date"
        return f"{'false' if kind == Kind.ACCOUNTS else 'true'}, NULL, NULL"
    old = _OLD[kind]
    differs = (
        f"({', '.join(f't.{name}' for name in old)}) IS DISTINCT FROM "
        f"({', '.join(f'o.{name}' for name in old)}) AS changed"
    )
    if kind == Kind.SUBSCRIPTIONS:
        return (
            f"{differs}, LEAST(t.start_date, o.start_date) AS first_start, "
            "LEAST(t.end_date, o.end_date) AS first_end"
        )
    return f"{differs}, NULL::date AS first_start, NULL::date AS first_end"


def _value_sql(fmt: Format, name: str, given: set, params: dict) -> tuple[str, str, str]:
    """The model column a format column writes, and the value written to a new row and to a
    stored one (`o`): the file's when it gives one, else the stored one, else the model's
    default."""
    if name == "owner_email":
        column = "owner_id"
    else:
        column = RELATION_COLUMNS.get(name, name)
    if name == "currency":
        # As subscription_upsert: a term given without a currency gets the tenant's.
        value = "COALESCE(s.currency, %(currency)s)"
        return column, value, value
    if name in fmt.nullable or column != name:
        if name in given:
            return column, f"s.{column}", f"s.{column}"
        return column, "NULL", f"o.{column}"
    default = fmt.model._meta.get_field(name).get_default()
    fallback = []
    if default is not None:
        params[f"default_{name}"] = json.dumps(default) if name in fmt.json else default
        fallback.append(f"%(default_{name})s{'::jsonb' if name in fmt.json else ''}")
    if name not in given:
        return column, fallback[0] if fallback else "NULL", f"o.{name}"
    created = f"COALESCE(s.{name}, {fallback[0]})" if fallback else f"s.{name}"
    return column, created, f"COALESCE(s.{name}, o.{name})"


def raced_line(*, fmt: Format, tenant: Tenant) -> int | None:
    """The first line creating a row that another transaction has created since the file's
    rows were looked up (the INSERT stopped at it), or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(s.line) FROM {ROWS} s JOIN {fmt.model._meta.db_table} t "  # noqa: S608
            "ON t.tenant_id = %s AND t.external_id = s.external_id WHERE s.is_new",
            [tenant.pk],
        )
        return cursor.fetchone()[0]


def written_summary() -> Written:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE inserted), coalesce(bool_or(changed), false), "
            "min(first_start) FILTER (WHERE changed), min(first_end) FILTER (WHERE changed) "
            "FROM csv_import_written"
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
        churned = Account.objects.for_tenant(tenant).filter(
            pk__in=RawSQL("SELECT id FROM csv_import_written WHERE churned", ())  # noqa: S611
        )
        accounts_churned_emit(tenant=tenant, accounts=churned)
        # Onboarding steps waiting for a trait of the accounts written (one query for all).
        written_accounts = Account.objects.for_tenant(tenant).filter(
            pk__in=RawSQL("SELECT id FROM csv_import_written", ())  # noqa: S611
        )
        metrics_changes.accounts_traits_changed(tenant=tenant, accounts=written_accounts)
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
