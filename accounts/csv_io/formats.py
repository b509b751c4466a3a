"""The CSV formats of accounts, contacts and subscriptions, and reading an uploaded file.

A file is UTF-8 text (a byte-order mark is allowed), comma- or semicolon-separated, with a
header row naming the columns in any order. Line numbers are spreadsheet row numbers: the
header is line 1, and blank rows count but are skipped. A blank cell means "not given"
(the value is left as it is), except in nullable columns, where it means "empty" (null).
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.api.serializers import (
    AccountSerializer,
    ContactSerializer,
    SubscriptionSerializer,
)
from accounts.models import Account, Contact, ImportJob, Subscription

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILE_LABEL = "20 MB"


Kind = ImportJob.Kind


@dataclass(frozen=True)
class Format:
    kind: str
    columns: tuple[str, ...]  # every column, in the order exports write them
    required: frozenset[str]  # must be in the header: the columns needed to create a row
    nullable: frozenset[str]  # a blank cell means null here, not "not given"
    json: frozenset[str]  # cells holding a JSON value
    serializer: type
    model: type

    @property
    def label(self) -> str:
        return Kind(self.kind).label


FORMATS = {
    Kind.ACCOUNTS: Format(
        kind=Kind.ACCOUNTS,
        columns=(
            "external_id",
            "name",
            "domain",
            "owner_email",
            "parent_external_id",
            "segment",
            "lifecycle_stage",
            "traits",
        ),
        required=frozenset({"external_id", "name"}),
        nullable=frozenset({"owner_email", "parent_external_id"}),
        json=frozenset({"traits"}),
        serializer=AccountSerializer,
        model=Account,
    ),
    Kind.CONTACTS: Format(
        kind=Kind.CONTACTS,
        columns=("external_id", "account_external_id", "email", "name", "traits", "language"),
        required=frozenset({"external_id"}),
        nullable=frozenset({"account_external_id"}),
        json=frozenset({"traits"}),
        serializer=ContactSerializer,
        model=Contact,
    ),
    Kind.SUBSCRIPTIONS: Format(
        kind=Kind.SUBSCRIPTIONS,
        columns=(
            "external_id",
            "account_external_id",
            "plan",
            "mrr",
            "currency",
            "start_date",
            "end_date",
            "status",
        ),
        required=frozenset({"external_id", "account_external_id", "mrr", "start_date"}),
        nullable=frozenset({"end_date"}),
        json=frozenset(),
        serializer=SubscriptionSerializer,
        model=Subscription,
    ),
}


class CsvFileError(ValueError):
    """The file as a whole cannot be used; the message is for the person who uploaded it.
    `line`: where reading stopped, when that is known."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Table:
    """A decoded file whose header has been read."""

    text: str
    delimiter: str
    header_line: int
    columns: list[str]  # normalised header names, in file order


def decode(raw: bytes) -> str:
    """The text of an uploaded file, or CsvFileError saying why it is not UTF-8 CSV."""
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise CsvFileError(
            _(
                "This is a spreadsheet workbook (such as .xlsx) or an archive, not a CSV file. "
                "In your spreadsheet choose File → Download or Save as → CSV (UTF-8), "
                "and upload that file."
            )
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(
            _(
                "The file is UTF-16 text; save it as “CSV UTF-8” in your spreadsheet and upload "
                "again."
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CsvFileError(
            _(
                "The file is not UTF-8 text: line %(line)d has a byte (0x%(byte)s) that UTF-8 "
                "does not allow. Save the file as “CSV UTF-8” in your spreadsheet and upload "
                "again."
            )
            % {"line": line, "byte": f"{raw[error.start]:02x}"}
        ) from None
    if "\x00" in text:
        raise CsvFileError(_("This is not a CSV file: it contains binary data."))
    return text


def sniff_delimiter(text: str) -> str:
    """Comma or semicolon, whichever the header line uses more (column names contain neither)."""
    first = re.match(r"[^\r\n]*", text.lstrip("\r\n")).group()
    return ";" if first.count(";") > first.count(",") else ","


def _reader(text: str, delimiter: str):
    # Strict: a quote left open would otherwise swallow the following lines into its cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    return enumerate(reader, start=1)


def _unreadable(line: int, error: csv.Error) -> CsvFileError:
    return CsvFileError(
        _(
            "Line %(line)d cannot be read (%(error)s): a quote that opens a value must close "
            'it, and a quote inside a quoted value is written twice ("").'
        )
        % {"line": line, "error": error},
        line=line,
    )


def _is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()  # one C call a row: files of 400,000 rows are read


def read_table(text: str) -> Table:
    """Find the delimiter and read the header; CsvFileError if there is no header."""
    delimiter = sniff_delimiter(text)
    line = 0
    try:
        for line, cells in _reader(text, delimiter):
            if not _is_blank(cells):
                columns = [cell.strip().lower() for cell in cells]
                return Table(text=text, delimiter=delimiter, header_line=line, columns=columns)
    except csv.Error as error:
        raise _unreadable(line + 1, error) from None
    raise CsvFileError(_("The file is empty: it needs a header row and at least one row of data."))


def header_problems(table: Table, fmt: Format) -> list[str]:
    """What is wrong with the header for this kind of file, as messages (none: it is fine)."""
    columns = table.columns
    problems = []
    unnamed = [str(n) for n, name in enumerate(columns, start=1) if not name]
    if unnamed:
        problems.append(
            ngettext(
                "Header column %(columns)s has no name.",
                "Header columns %(columns)s have no name.",
                len(unnamed),
            )
            % {"columns": ", ".join(unnamed)}
        )
    duplicated = sorted({name for name in columns if name and columns.count(name) > 1})
    if duplicated:
        problems.append(
            _("Columns named more than once: %(columns)s.") % {"columns": ", ".join(duplicated)}
        )
    unknown = [name for name in columns if name and name not in fmt.columns]
    if unknown:
        problems.append(
            ngettext(
                "Unknown column: %(columns)s. %(kind)s files may have: %(allowed)s.",
                "Unknown columns: %(columns)s. %(kind)s files may have: %(allowed)s.",
                len(unknown),
            )
            % {"columns": ", ".join(unknown), "kind": fmt.label, "allowed": ", ".join(fmt.columns)}
        )
    missing = [name for name in fmt.columns if name in fmt.required and name not in columns]
    if missing:
        problems.append(
            ngettext(
                "Missing required column: %(columns)s.",
                "Missing required columns: %(columns)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )
    return problems


def iter_rows(table: Table) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each non-blank row below the header; CsvFileError if unreadable."""
    last = 0
    try:
        for last, cells in _reader(table.text, table.delimiter):
            if last > table.header_line and not _is_blank(cells):
                yield last, cells
    except csv.Error as error:
        raise _unreadable(last + 1, error) from None


def chunked(rows: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def count_rows(table: Table) -> int:
    return sum(1 for _ in iter_rows(table))


def no_rows_message() -> str:
    return _("The file has a header but no rows of data below it.")


def check_upload(raw: bytes, kind: str) -> Table:
    """Everything the upload form checks before a job is stored: readable, right header, rows."""
    table = read_table(decode(raw))
    problems = header_problems(table, FORMATS[kind])
    if problems:
        raise CsvFileError(" ".join(problems))
    if next(iter_rows(table), None) is None:
        raise CsvFileError(no_rows_message())
    return table
