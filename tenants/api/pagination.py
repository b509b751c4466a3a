"""Cursor pagination for every list endpoint: stable under inserts, cheap on deep pages."""

from rest_framework.pagination import CursorPagination


class DefaultCursorPagination(CursorPagination):
    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500
