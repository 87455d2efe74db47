"""List pagination: page numbers with a bounded count, and keyset (cursor) pages for big tables.

A full ``COUNT(*)`` reads every matching row (a sequential scan of the calls table on every
first page), so lists count exactly only up to ``COUNT_EXACT_MAX`` rows and beyond that take
the planner's estimate (PostgreSQL's row estimate for the same filtered query), saying so in
``count_exact``. Deep pages by number still cost their offset; ``KeysetPagination`` (the
calls list with ``?cursor=``) walks the ordering index from where the last page ended
instead, so any page costs what the first does."""

from __future__ import annotations

import json
from functools import cached_property

from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

COUNT_EXACT_MAX = 10_000


def bounded_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """(count, exact): exact up to ``cap`` rows, else the planner's estimate (never below cap)."""
    cap = COUNT_EXACT_MAX if cap is None else cap
    keys = queryset.order_by().values("pk")
    rows = keys[: cap + 1].count()
    if rows <= cap:
        return rows, True
    if connections[queryset.db].vendor != "postgresql":
        return keys.count(), True
    plan = json.loads(keys.explain(format="json"))
    return max(cap + 1, int(plan[0]["Plan"]["Plan Rows"])), False


def page_answer(*, count: tuple[int, bool], pager, results) -> Response:
    """A list page: its (bounded) count, whether it is exact, the pager's links, the rows."""
    return Response({"count": count[0], "count_exact": count[1], "next": pager.get_next_link(),
                     "previous": pager.get_previous_link(), "results": results})


class BoundedPaginator(Paginator):
    """Django's paginator with ``bounded_count``; past an estimate, a page is simply empty."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        if hasattr(self.object_list, "values"):
            return bounded_count(self.object_list)
        return len(self.object_list), True

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def exact(self) -> bool:
        return self._counted[1]

    def validate_number(self, number):
        """Django's checks; only the upper bound goes when the count is an estimate."""
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.exact or int(number) < 1:
                raise
            return int(number)


class Pagination(PageNumberPagination):
    """Page-number pagination; ``rows`` matches the CLI's ``-r/--rows``."""

    page_size = 50
    page_size_query_param = "rows"
    max_page_size = 1000
    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return page_answer(count=(paginator.count, paginator.exact), pager=self, results=data)

    def get_next_link(self):
        if not self.page.object_list and not self.page.paginator.exact:
            return None  # past an estimated end
        return super().get_next_link()

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            f"Exact up to {COUNT_EXACT_MAX:,} rows; beyond that an estimate (count_exact false).")
        answer["properties"]["count_exact"] = {"type": "boolean"}
        return answer


class NewestFirstCursor(CursorPagination):
    """DRF's cursor pagination on ``created`` (newest first, or oldest with ``ordering=created``)."""

    ordering = "-created"
    page_size = Pagination.page_size
    page_size_query_param = Pagination.page_size_query_param
    max_page_size = Pagination.max_page_size
    invalid_cursor_message = "Invalid cursor: use the next or previous link of a page as it is."

    def get_ordering(self, request, queryset, view):
        ordering = request.query_params.get("ordering") or "-created"
        if ordering not in ("created", "-created"):
            raise ValidationError({"ordering": "Cursor pages are ordered by created or -created only."})
        return (ordering,)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and parse_datetime(cursor.position) is None:
            raise NotFound(self.invalid_cursor_message)
        return cursor


class KeysetPagination(Pagination):
    """Page numbers as ``Pagination``, or keyset pages when the request carries ``cursor``
    (empty for the first page): each page then walks the ``created`` index from the last one's
    edge, whatever its depth; the answer carries a bounded count beside the links.
    ``keyset_first``: keyset pages unless the request asks for a ``page`` by number."""

    def __init__(self, *, keyset_first: bool = False) -> None:
        self.keyset_first = keyset_first

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        if "cursor" not in params and not (self.keyset_first and "page" not in params):
            self.cursor_pager = None
            return super().paginate_queryset(queryset, request, view)
        self.cursor_pager = NewestFirstCursor()  # an empty cursor decodes as the first page
        self.counted = bounded_count(queryset)
        return self.cursor_pager.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor_pager is None:
            return super().get_paginated_response(data)
        return page_answer(count=self.counted, pager=self.cursor_pager, results=data)

    def get_schema_operation_parameters(self, view):
        return [*super().get_schema_operation_parameters(view), {
            "name": "cursor", "required": False, "in": "query", "schema": {"type": "string"},
            "description": "Keyset pages (newest first, or oldest with ordering=created): empty for the "
                           "first page, then the cursor of a page's next or previous link.",
        }]

