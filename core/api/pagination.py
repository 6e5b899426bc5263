from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from core.numbers import whole_number


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class CursorPagination(pagination.CursorPagination):
    """For national-size lists: no COUNT(*) over a million rows on every page (API.md: count is optional)."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        """A cursor is one this API wrote: its position is an id. DRF checked only its offset, and a
        forged position (`p=x`, or an id beyond any integer column) reached the query: a 500."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor, valid = None, False
        else:
            valid = cursor is None or cursor.position is None or whole_number(str(cursor.position)) is not None
        if not valid:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}, code="invalid_cursor")
        return cursor
