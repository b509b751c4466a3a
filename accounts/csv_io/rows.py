"""One CSV row through the API serializer of its kind, so that its messages are the API's.

Used by both passes: validation reports the errors, apply saves the valid serializer, which
writes through the upsert services. A row naming an existing external id updates only the
columns it gives (a partial update); any other row creates.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.relations import RelatedField
from rest_framework.settings import api_settings

from accounts.csv_io.formats import Format
from tenants.models import Membership, Tenant
from tenants.spreadsheet import unescape_cell


@dataclass(frozen=True)
class Actor:
    """What the API serializers read from `context["request"]`: the tenant and the member."""

    tenant: Tenant
    membership: Membership | None


@dataclass
class CheckedRow:
    line: int
    cells: list[str]
    external_id: str
    instance: object | None  # the existing row this one updates, if any
    serializer: object
    errors: list[dict] = field(default_factory=list)

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        return "create" if self.instance is None else "update"


def row_error(line: int, field_name: str, message: str) -> dict:
    return {"line": line, "field": field_name, "message": message}


class _MemoQuerySet:
    """Stands in for a relation field's queryset so repeated look-ups (the same account on
    many contact rows) hit the database once per file. Only `.get()` is used by the fields;
    the real queryset is built only when a look-up is not in the memo yet."""

    def __init__(self, field_name: str, get_queryset, memo: dict):
        self.field_name, self.get_queryset, self.memo = field_name, get_queryset, memo

    def get(self, **lookup):
        key = (self.field_name, tuple(sorted(lookup.items())))
        if key not in self.memo:
            try:
                self.memo[key] = self.get_queryset().get(**lookup)
            except ObjectDoesNotExist as missing:
                self.memo[key] = missing
        found = self.memo[key]
        if isinstance(found, ObjectDoesNotExist):
            raise found
        return found


class RowChecker:
    """Checks the rows of one file, a chunk at a time (one query finds the chunk's rows).

    A row may name a row of its own kind that an earlier line creates (an account's parent):
    the apply pass saves each row before the next is checked, and the validation pass
    (`dry_run`) stands in an unsaved row for each one the file would create.
    """

    def __init__(self, fmt: Format, columns: list[str], actor: Actor, *, dry_run: bool = False):
        self.fmt, self.columns, self.actor, self.dry_run = fmt, columns, actor, dry_run
        self._position = {column: n for n, column in enumerate(columns)}  # errors in file order
        self._memo: dict = {}
        # In a dry run, the new parent of each existing row an earlier line re-parents.
        self._pending_parents: dict = {}

    def check(self, rows: list[tuple[int, list[str]]]) -> Iterator[CheckedRow]:
        """Each row checked when the caller asks for it, after the previous one was saved."""
        parsed = [(line, cells, *self._data(line, cells)) for line, cells in rows]
        keys = {data["external_id"] for _, _, data, _ in parsed if "external_id" in data}
        existing = {
            obj.external_id: obj
            for obj in self.fmt.model.objects.for_tenant(self.actor.tenant).filter(
                external_id__in=keys
            )
        }
        for row in parsed:
            checked = self._check(*row, existing)
            if self.dry_run and checked.action == "create":
                self._stand_in(checked)
            elif self.dry_run and checked.action == "update":
                if "parent" in checked.serializer.validated_data:
                    parent = checked.serializer.validated_data["parent"]
                    self._pending_parents[checked.instance.pk] = parent
            yield checked

    def _stand_in(self, row: CheckedRow) -> None:
        """Later lines that name this new row find an unsaved one in its place."""
        values = row.serializer.validated_data
        stand_in = self.fmt.model(external_id=row.external_id)
        stand_in._csv_parent = values.get("parent")
        for name, bound in row.serializer.fields.items():
            if getattr(bound, "model", None) is self.fmt.model and not bound.read_only:
                self._memo[(name, (("external_id", row.external_id),))] = stand_in

    def _data(self, line: int, cells: list[str]) -> tuple[dict, list[dict]]:
        data, errors = {}, []
        if len(cells) > len(self.columns) and any(c.strip() for c in cells[len(self.columns) :]):
            errors.append(
                row_error(
                    line,
                    "",
                    f"Has {len(cells)} cells but the header has {len(self.columns)} columns; "
                    "put values that contain the separator in double quotes.",
                )
            )
        cells = cells + [""] * (len(self.columns) - len(cells))  # missing trailing cells: blank
        for column, cell in zip(self.columns, cells, strict=False):
            value = unescape_cell(cell.strip())
            if value == "":
                if column in self.fmt.nullable:
                    data[column] = None
                continue
            if column in self.fmt.json:
                try:
                    value = _parse_json(value)
                except ValueError as error:
                    errors.append(row_error(line, column, f"Is not valid JSON ({error})."))
                    continue
            data[column] = value
        return data, errors

    def _check(self, line, cells, data, errors, existing) -> CheckedRow:
        external_id = data.get("external_id", "")
        instance = existing.get(external_id)
        serializer = self.fmt.serializer(
            instance,
            data=data,
            partial=instance is not None,
            context={"request": self.actor, "pending_parents": self._pending_parents},
        )
        for name, bound in serializer.fields.items():
            if isinstance(bound, RelatedField) and not bound.read_only:
                memo = _MemoQuerySet(name, bound.get_queryset, self._memo)
                bound.get_queryset = lambda memo=memo: memo
        if not serializer.is_valid():
            errors = errors + list(_flatten(line, serializer.errors))
            errors.sort(key=lambda error: self._position.get(error["field"], -1))
        return CheckedRow(line, cells, external_id, instance, serializer, errors)


def _parse_json(text: str):
    """JSON as the API accepts it: no NaN or Infinity (PostgreSQL's jsonb refuses them)."""

    def refuse(constant):
        raise ValueError(f"{constant} is not allowed")

    try:
        return json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as error:
        raise ValueError(f"{error.msg} at character {error.pos + 1}") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _flatten(line: int, errors, prefix: str = ""):
    for key, value in errors.items():
        name = "" if key == api_settings.NON_FIELD_ERRORS_KEY else f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(line, value, f"{name}.")
        else:
            for message in value if isinstance(value, list) else [value]:
                yield row_error(line, name, str(message))
