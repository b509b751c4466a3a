"""CSV export of accounts, contacts and subscriptions, in exactly the import format.

One query per file whatever its size (a server-side cursor read in chunks), and the CSV is
produced as it is read, for a streaming response. The tenant is passed explicitly, never
taken from the request's context: a streamed body is read after the request has ended.
Importing an exported file changes nothing.
"""

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from accounts.csv_io.formats import FORMATS, Kind
from accounts.models import Account, Contact, Subscription
from tenants.models import Tenant
from tenants.spreadsheet import escape_cell

FETCH_ROWS = 2000  # rows per fetch from the server-side cursor
FLUSH_ROWS = 500  # rows per chunk of the response body

# The query selecting each kind's columns, in the order of FORMATS[kind].columns.
_VALUES = {
    Kind.ACCOUNTS: (
        Account,
        (
            "external_id",
            "name",
            "domain",
            "owner__user__email",
            "parent__external_id",
            "segment",
            "lifecycle_stage",
            "traits",
        ),
    ),
    Kind.CONTACTS: (
        Contact,
        ("external_id", "account__external_id", "email", "name", "traits", "language"),
    ),
    Kind.SUBSCRIPTIONS: (
        Subscription,
        (
            "external_id",
            "account__external_id",
            "plan",
            "mrr",
            "currency",
            "start_date",
            "end_date",
            "status",
        ),
    ),
}


def export_rows(*, tenant: Tenant, kind: str) -> Iterator[tuple]:
    """The values of every row of `kind` in `tenant`, oldest first."""
    model, fields = _VALUES[kind]
    return (
        model.objects.for_tenant(tenant)
        .order_by("id")
        .values_list(*fields)
        .iterator(chunk_size=FETCH_ROWS)
    )


def export_filename(*, tenant: Tenant, kind: str, day: date) -> str:
    return f"{tenant.slug}-{kind}-{day.isoformat()}.csv"


def export_csv(*, tenant: Tenant, kind: str) -> Iterator[str]:
    """The CSV text, a chunk at a time; starts with a BOM so spreadsheets read it as UTF-8."""
    return csv_stream(FORMATS[kind].columns, export_rows(tenant=tenant, kind=kind))


def csv_stream(header: list[str], rows: Iterator[tuple]) -> Iterator[str]:
    """Any rows as CSV text a chunk at a time, cells written as `_cell` does (formulas
    guarded), behind a BOM; for streaming responses (other pages' exports use it too)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([escape_cell(str(name)) for name in header])
    for n, values in enumerate(rows, start=1):
        writer.writerow([_cell(value) for value in values])
        if n % FLUSH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(value) -> str:
    """A value as the import reads it back: blank for null/empty, JSON for traits."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if isinstance(value, date | Decimal | int):
        return str(value)
    return escape_cell(str(value))
