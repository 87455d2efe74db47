"""Filtering every list shares: ``?name=``, ``?search=``, foreign keys by name or id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import django_filters
from django.db import models
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter


class SafeSearchFilter(SearchFilter):
    """``?search=`` with input PostgreSQL can store (no NUL characters)."""

    def get_search_terms(self, request):
        if "\x00" in request.query_params.get(self.search_param, ""):
            raise ValidationError({self.search_param: ["Text may not contain NUL characters."]})
        return super().get_search_terms(request)


def filterset_for(
    model: type[models.Model],
    *,
    by_name: Iterable[str] | Mapping[str, str] = (),
    by_id: Iterable[str] = (),
    fields: Iterable[str] = (),
    name_field: str | None = "name",
) -> type[django_filters.FilterSet]:
    """A FilterSet: ``name`` exact, foreign keys by name (``?processor=proc1``) or id, and
    plain ``fields`` compared exactly.

    ``by_name`` maps a parameter to a lookup path; a bare parameter ``p`` means ``p__name``.
    """
    paths = dict(by_name) if isinstance(by_name, Mapping) else {p: f"{p}__name" for p in by_name}
    attrs: dict[str, object] = {}
    if name_field:
        attrs["name"] = django_filters.CharFilter(field_name=name_field, help_text="Exact name.")
    for param, path in paths.items():
        attrs[param] = django_filters.CharFilter(field_name=path, help_text=f"By {param} name.")
    for param in by_id:
        attrs[param] = django_filters.UUIDFilter(field_name=param, help_text=f"By {param} id.")
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}FilterSet", (django_filters.FilterSet,), attrs)
