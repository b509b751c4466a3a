"""Cursor pagination for every list endpoint: stable under inserts, cheap on deep pages.

A cursor is opaque to clients but only base64: a forged one is checked here, against the
field the list is ordered by, so that it answers 400 instead of failing in the database.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import IntegerField
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class DefaultCursorPagination(CursorPagination):
    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
            if cursor is not None and cursor.position is not None:
                self._check_position(cursor.position)
        except (NotFound, DjangoValidationError, TypeError, ValueError):
            error = {self.cursor_query_param: [self.invalid_cursor_message]}
            raise ValidationError(error) from None
        return cursor

    def _check_position(self, position: str) -> None:
        """Raises unless the database can compare `position` with the ordering field."""
        if "\x00" in position:
            raise ValueError("NUL in a cursor")
        ordering = self.ordering if isinstance(self.ordering, str) else self.ordering[0]
        field = self._model._meta.get_field(ordering.lstrip("-"))
        value = field.to_python(position)
        if isinstance(field, IntegerField):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            if not low <= value <= high:
                raise ValueError("out of range")
