"""The rows of one CSV file checked together, with the API serializer's messages.

Both passes use it: validation reports the errors, apply re-checks the file against the data
of the moment before writing it. Cells are checked a column at a time: the common values (short
text, a listed choice, an ISO date, a plain amount, a JSON object, a plain address) by a quick
test of the serializer field's own rules, anything else by the field itself, which gives the
value or the error exactly as the API does. The records rows name (the rows they update,
their accounts and parents) are found for the whole file at once (`staging`), so the number
of queries does not grow with the rows. A row naming an existing external id updates only the
columns it gives (a partial update); any other row creates.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import (
    EmailValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import serializers
from rest_framework.fields import ISO_8601, get_error_detail
from rest_framework.relations import RelatedField
from rest_framework.settings import api_settings
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from accounts.csv_io.formats import Format, Kind
from accounts.services.hierarchy import cycle_message
from tenants.models import Membership, Tenant
from tenants.spreadsheet import unescape_cell


@dataclass(frozen=True)
class Actor:
    """What the API serializers read from `context["request"]`: the tenant and the member."""

    tenant: Tenant
    membership: Membership | None


def row_error(line: int, field_name: str, message: str) -> dict:
    return {"line": line, "field": field_name, "message": message}


# Validators whose rules the quick tests below include; a field with any other validator is
# always checked by the field itself. Text decoded from UTF-8 holds neither NUL characters
# (refused by `formats.decode`) nor lone surrogates (UTF-8 cannot encode them).
_QUICK_VALIDATORS = (
    MaxLengthValidator,
    MinLengthValidator,
    MaxValueValidator,  # checked by the decimal test, the one field type that has them
    MinValueValidator,
    ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
    EmailValidator,
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# A subset of what Django's EmailValidator accepts: plain ASCII names and domains.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}\Z"
)


@dataclass
class Existing:
    """A stored row a line of the file updates: what the checks need of it."""

    pk: int
    parent_id: int | None = None  # accounts
    start_date: date | None = None  # subscriptions
    end_date: date | None = None


@dataclass
class Found:
    """What `staging` found in the database for the whole file."""

    existing: dict[str, Existing]  # by external id
    accounts: dict[str, int]  # accounts named by the file (parents, accounts), by external id
    parents: dict[int, int | None] = field(default_factory=dict)  # account id -> parent id


class FileChecker:
    """Checks every row of one file: `read` the rows a chunk at a time, stage them, `settle`.

    `values` holds the checked value of each column, a list with one entry per row (None:
    blank, i.e. not given, or null in a nullable column), ready to be staged for writing.
    """

    def __init__(self, fmt: Format, columns: list[str], actor: Actor, *, trusted: bool = False):
        self.fmt, self.columns, self.actor = fmt, columns, actor
        self.trusted = trusted
        self.serializer = fmt.serializer(context={"request": actor})
        self.fields = {
            name: bound for name, bound in self.serializer.fields.items() if not bound.read_only
        }
        self._order = {name: n for n, name in enumerate(self.fields)}
        self._position = {column: n for n, column in enumerate(columns)}  # errors in file order
        self.lines: list[int] = []
        self.first_cells: list[list[str]] = []  # the preview's rows, as written
        self.values: dict[str, list] = {column: [] for column in fmt.columns}
        self.owner_ids: list[int | None] = []
        self._pre: dict[int, list[dict]] = {}  # row -> errors found before the serializer's
        self._field_errors: dict[int, dict[str, list]] = {}  # row -> field -> messages
        self.errors: dict[int, list[dict]] = {}  # row -> its errors, once settled
        self.actions: list[str] = []
        self.existing_pks: list[int | None] = []  # the stored row each line updates, once settled
        self.targets: dict[str, list] = {}  # relation -> the account id each line names, settled
        self._quick = {column: self._quick_test(column) for column in columns}
        self._members = None

    # --- Reading: each cell on its own ---------------------------------------------------

    def read(self, rows: list[tuple[int, list[str]]], *, preview: int = 0) -> None:
        width = len(self.columns)
        start = len(self.lines)
        padded = []
        for offset, (line, cells) in enumerate(rows):
            self.lines.append(line)
            if len(self.first_cells) < preview:
                kept = [cell.strip() for cell in cells[:width]]
                self.first_cells.append(kept + [""] * (width - len(kept)))
            if len(cells) != width:
                if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    self._pre.setdefault(start + offset, []).append(
                        row_error(
                            line,
                            "",
                            # Two counts, two plural choices: each phrase follows its own.
                            _(
                                "Has %(cells)s but the header has %(columns)s; put values "
                                "that contain the separator in double quotes."
                            )
                            % {
                                "cells": ngettext("%(n)d cell", "%(n)d cells", len(cells))
                                % {"n": len(cells)},
                                "columns": ngettext("%(n)d column", "%(n)d columns", width)
                                % {"n": width},
                            },
                        )
                    )
                cells = (cells + [""] * width)[:width]  # missing trailing cells: blank
            padded.append(cells)
        for column, cells in zip(self.columns, zip(*padded, strict=True), strict=False):
            self._read_column(column, cells, start)
        for column in self.fmt.columns:
            if column not in self._position:
                self.values[column].extend([None] * len(padded))
        if "owner_email" in self.fmt.columns:
            self.owner_ids.extend(self._owners(start, len(padded)))

    def _read_column(self, column: str, cells, start: int) -> None:
        # A column at a time, the common cells in comprehensions: the rare ones (a formula
        # escape, JSON, a value the quick test does not take) in the loop below.
        values = [cell.strip() or None for cell in cells]
        quick = self._quick[column]
        unusual = set()  # cells whose formula escape was removed: the field checks them
        escaped = "'" in "".join(cells)  # one C call: most columns have no quote at all
        for n in [n for n, value in enumerate(values) if escaped and value and value[0] == "'"]:
            unescaped = unescape_cell(values[n])
            if unescaped != values[n]:
                values[n] = unescaped
                unusual.add(n)
        if column in self.fmt.json:
            for n, value in enumerate(values):
                if value is None:
                    continue
                try:
                    values[n] = _parse_json(value)
                except ValueError as error:
                    line = self.lines[start + n]
                    self._pre.setdefault(start + n, []).append(
                        row_error(
                            line, column, _("Is not valid JSON (%(error)s).") % {"error": error}
                        )
                    )
                    values[n] = None
                    unusual.discard(n)
        if quick is _as_is:  # the validated file's text cells: only the unusual ones again
            for n in sorted(unusual):
                values[n] = self._by_field(start + n, column, values[n])
        elif quick is not None:  # relations are resolved once the file is staged
            typed = [None if value is None else quick(value) for value in values]
            refused = [n for n, value in enumerate(typed) if value is None]
            for n in sorted(unusual.union(n for n in refused if values[n] is not None)):
                typed[n] = self._by_field(start + n, column, values[n])
            values = typed
        self.values[column].extend(values)

    def _quick_test(self, column: str):
        """A function giving the field's value for a common cell, or None: ask the field."""
        bound = self.fields[column]
        if isinstance(bound, RelatedField):
            return None
        hook = getattr(self.serializer, f"validate_{column}", None)
        if self.trusted and hook is None and _is_plain_text(bound):
            return _as_is  # every cell of the file passed the field when it was validated
        if any(not isinstance(v, _QUICK_VALIDATORS) for v in bound.validators):
            test = _never
        elif isinstance(bound, serializers.ChoiceField):
            test = bound.choice_strings_to_values.get
        elif isinstance(bound, serializers.DecimalField):
            test = _decimal_test(bound)
        elif isinstance(bound, serializers.DateField):
            formats = getattr(bound, "input_formats", api_settings.DATE_INPUT_FORMATS)
            test = _date_test if ISO_8601 in formats else _never
        elif isinstance(bound, serializers.EmailField):
            test = _text_test(bound, _PLAIN_EMAIL)
        elif isinstance(bound, serializers.JSONField):
            test = _object_test
        elif type(bound) is serializers.CharField:
            test = _text_test(bound)
        else:
            test = _never
        if hook is None:
            return test

        def with_hook(value):
            typed = test(value)
            if typed is None:
                return None
            try:
                return hook(typed)
            except (serializers.ValidationError, DjangoValidationError):
                return None  # the field and the hook again, for the message

        return with_hook

    def _by_field(self, row: int, column: str, value):
        """The value as the serializer's field (and its validate_<field>) makes it, or None
        with the field's errors recorded for the row."""
        bound = self.fields[column]
        try:
            typed = bound.run_validation(value)
            hook = getattr(self.serializer, f"validate_{column}", None)
            return hook(typed) if hook is not None else typed
        except serializers.ValidationError as error:
            detail = error.detail
        except DjangoValidationError as error:
            detail = get_error_detail(error)
        self._field_errors.setdefault(row, {})[column] = detail
        return None

    def _owners(self, start: int, count: int) -> list[int | None]:
        """Membership ids of the owner emails: ASCII addresses compared case-insensitively
        among the tenant's members (one query a file); any other address by the field."""
        if self._members is None:
            self._members = {}
            members = Membership.objects.for_tenant(self.actor.tenant).values_list(
                "pk", "user__email"
            )
            for pk, email in members:
                self._members.setdefault(email.upper(), []).append(pk)
        ids = []
        for row in range(start, start + count):
            email = self.values["owner_email"][row]
            found = self._members.get(email.upper(), []) if email and email.isascii() else []
            if email is None:
                ids.append(None)
            elif len(found) == 1:
                ids.append(found[0])
            else:
                member = self._by_field(row, "owner_email", email)
                ids.append(None if member is None else member.pk)
        return ids

    # --- Settling: what depends on other rows and on stored data -------------------------

    def settle(self, found: Found) -> None:
        """Required columns, relations, duplicates and the serializer's checks across
        fields and rows, in file order, as if each row were saved before the next."""
        fmt = self.fmt
        given = set(self.columns)
        required = [name for name, bound in self.fields.items() if bound.required]
        relations = [
            name
            for name in fmt.columns
            if name in given
            and name != "owner_email"
            and isinstance(self.fields[name], RelatedField)
        ]
        self._walk = _Hierarchy(found) if fmt.kind == Kind.ACCOUNTS else None
        self.targets = {name: [] for name in relations}
        first_line: dict[str, int] = {}
        xids = self.values["external_id"]
        for row, line in enumerate(self.lines):
            xid = xids[row]
            instance = found.existing.get(xid) if xid is not None else None
            field_errors = self._field_errors.get(row, {})
            if instance is None:
                for name in required:
                    if self.values[name][row] is None and name not in field_errors:
                        field_errors[name] = [str(self.fields[name].error_messages["required"])]
            resolved = {}
            for name in relations:
                value = self.values[name][row]
                if value is None or name in field_errors:
                    continue
                target = self._resolve(row, name, value, found)
                if target is None:
                    field_errors = self._field_errors.get(row, field_errors)
                else:
                    resolved[name] = target
            self.existing_pks.append(None if instance is None else instance.pk)
            for name in relations:
                self.targets[name].append(resolved.get(name))
            if field_errors:
                self._field_errors[row] = field_errors
            else:
                object_errors = self._object_errors(row, instance, resolved)
                if object_errors:
                    field_errors = self._field_errors[row] = object_errors
            errors = list(self._pre.get(row, []))
            for name in sorted(field_errors, key=lambda name: self._order.get(name, -1)):
                errors.extend(_flatten(line, {name: field_errors[name]}))
            errors.sort(key=lambda error: self._position.get(error["field"], -1))
            if self._walk is not None and not errors:
                parent = _NOT_GIVEN
                if "parent_external_id" in given:
                    parent = resolved.get("parent_external_id")  # None: a blank cell clears it
                self._walk.saved(xid, instance, parent)
            if xid is not None:
                seen = first_line.setdefault(xid, line)
                if seen != line:
                    errors.append(
                        row_error(
                            line,
                            "external_id",
                            _(
                                "Lines %(first)d and %(line)d have the same external_id "
                                "%(external_id)s; keep one of them."
                            )
                            % {"first": seen, "line": line, "external_id": repr(xid)},
                        )
                    )
            if errors:
                self.errors[row] = errors
                self.actions.append("error")
            else:
                self.actions.append("create" if instance is None else "update")

    def _resolve(self, row: int, name: str, value: str, found: Found):
        """The account a relation cell names: stored, or (a parent) created on an earlier
        line; None with the field's error recorded when there is none."""
        if value in found.accounts:
            return found.accounts[value]
        if name == "parent_external_id" and self._walk.created_before(value):
            return ("new", value)
        account = self._by_field(row, name, value)  # the field's own message (or a late row)
        if account is None:
            return None
        found.accounts[value] = account.pk
        if self._walk is not None:
            self._walk.parents.setdefault(account.pk, account.parent_id)
        return account.pk

    def _object_errors(self, row: int, instance: Existing | None, resolved: dict) -> dict:
        """The serializer's `validate()`: checks across the fields of a row."""
        if self.fmt.kind == Kind.ACCOUNTS:
            parent = resolved.get("parent_external_id")
            if (
                parent is not None
                and instance is not None
                and self._walk.closes_cycle(instance.pk, parent)
            ):
                return {"parent_external_id": [cycle_message()]}
        elif self.fmt.kind == Kind.SUBSCRIPTIONS:
            attrs = {}
            for name in ("start_date", "end_date"):
                value = self.values[name][row]
                if value is not None or (name == "end_date" and name in self._position):
                    attrs[name] = value
            start = attrs.get("start_date", getattr(instance, "start_date", None))
            end = attrs.get("end_date", getattr(instance, "end_date", None))
            if start and end and end <= start:  # quick test first: the serializer's message
                self.serializer.instance = instance or None
                try:
                    self.serializer.validate(attrs)
                except serializers.ValidationError as error:
                    return error.detail
                finally:
                    self.serializer.instance = None
        return {}

    def first_error(self) -> dict | None:
        return self.errors[min(self.errors)][0] if self.errors else None

    @property
    def row_count(self) -> int:
        return len(self.lines)


_NOT_GIVEN = object()


class _Hierarchy:
    """Accounts' parents as they stand after each valid line, for the cycle check: stored
    parents, changed by earlier lines, and accounts the file creates (`("new", xid)`)."""

    def __init__(self, found: Found):
        self.parents = dict(found.parents)  # stored account id -> stored parent id
        self.pending: dict = {}  # stored account id -> the parent an earlier line gave it
        self.new_parents: dict[str, object] = {}  # created external id -> its parent

    def created_before(self, xid: str) -> bool:
        return xid in self.new_parents

    def saved(self, xid, instance: Existing | None, parent) -> None:
        if instance is None:
            self.new_parents[xid] = None if parent is _NOT_GIVEN else parent
        elif parent is not _NOT_GIVEN:
            self.pending[instance.pk] = parent

    def _stored(self, node):
        """The first stored account at or above `node` (a created one has none of its own)."""
        while isinstance(node, tuple):
            node = self.new_parents.get(node[1])
        return node

    def closes_cycle(self, account_pk: int, parent) -> bool:
        """Whether `parent` is the account itself or below it (as `account_parent_problem`
        walks it, a stored cycle stops the walk)."""
        node, seen = self._stored(parent), set()
        while node is not None:
            if node == account_pk:
                return True
            if node in seen:
                return False
            seen.add(node)
            node = (
                self._stored(self.pending[node]) if node in self.pending else self.parents.get(node)
            )
        return False


def _never(value):
    return None


def _as_is(value: str) -> str:
    return value


def _is_plain_text(bound) -> bool:
    """Whether the field's value for a valid cell is the (stripped) cell itself: text with
    no validators but the quick ones, or a choice whose values are their own names."""
    if any(not isinstance(v, _QUICK_VALIDATORS) for v in bound.validators):
        return False
    if isinstance(bound, serializers.ChoiceField):
        return all(key == value for key, value in bound.choice_strings_to_values.items())
    return type(bound) in (serializers.CharField, serializers.EmailField)


def _date_test(value: str):
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _object_test(value):
    return value if isinstance(value, dict) else None


def _text_test(bound, pattern=None):
    longest = bound.max_length if bound.max_length is not None else float("inf")
    shortest = bound.min_length or 0

    def test(value: str):
        if shortest <= len(value) <= longest and (pattern is None or pattern.match(value)):
            return value
        return None

    return test


def _decimal_test(bound):
    whole = bound.max_digits - bound.decimal_places if bound.max_digits is not None else 30
    pattern = re.compile(rf"\d{{1,{whole}}}(?:\.\d{{1,{bound.decimal_places}}})?\Z")
    low, high = bound.min_value, bound.max_value

    def test(value: str):
        if not pattern.match(value):
            return None
        number = Decimal(value)
        if (low is not None and number < low) or (high is not None and number > high):
            return None
        return bound.quantize(number)

    return test


def _parse_json(text: str):
    """JSON as the API accepts it: no NaN or Infinity (PostgreSQL's jsonb refuses them)."""

    def refuse(constant):
        raise ValueError(_("%(constant)s is not allowed") % {"constant": constant})

    try:
        return json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as error:
        # The decoder's own words stay English: Python's json module has no catalogue.
        raise ValueError(
            _("%(problem)s at character %(position)d")
            % {"problem": error.msg, "position": error.pos + 1}
        ) from None
    except RecursionError:
        raise ValueError(_("nested too deeply")) from None


def _flatten(line: int, errors, prefix: str = ""):
    for key, value in errors.items():
        name = "" if key == api_settings.NON_FIELD_ERRORS_KEY else f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(line, value, f"{name}.")
        else:
            for message in value if isinstance(value, list) else [value]:
                yield row_error(line, name, str(message))
