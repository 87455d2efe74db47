"""The base of every API viewset: uuid lookup, JSON only, filters, writes through services.

Subclasses declare ``rights`` (action -> right, enforced by apps.accounts.permissions.HasRight)
and override ``perform_create``/``perform_update``/``perform_destroy`` to call their app's
services where the object has rules; the defaults call apps.core.services with audit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.exceptions import MethodNotAllowed, ParseError
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

from apps.core.errors import NotFound
from apps.core.filters import SafeSearchFilter
from apps.core.services import object_create, object_delete, object_update

BIGINT = 2**63


def pk_or_404(model: type[models.Model], value):
    """The primary key named in a URL, or NotFound when it cannot be one (never a 500)."""
    try:
        pk = model._meta.pk.to_python(value)
    except (DjangoValidationError, ValueError, TypeError):
        raise NotFound("No such object.") from None
    if pk is None or (isinstance(pk, int) and not -BIGINT <= pk < BIGINT):
        raise NotFound("No such object.")
    return pk


class SafeJSONParser(JSONParser):
    """JSON whose nesting overflows the parser's recursion is bad input, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None


class PlatformViewSet(viewsets.GenericViewSet):
    lookup_field = "id"
    lookup_value_regex = "[^/]+"
    parser_classes = [SafeJSONParser]
    renderer_classes = [JSONRenderer]
    filter_backends = [DjangoFilterBackend, OrderingFilter, SafeSearchFilter]
    search_fields = ["name"]
    ordering_fields = ["name", "created", "lastupdated", "status"]
    rights: dict[str, str] = {}

    def initial(self, request, *args, **kwargs):
        # A method the route does not map is a 405, before rights are checked (not a 403).
        if request.method.lower() not in getattr(self, "action_map", {}) and request.method != "OPTIONS":
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_object(self) -> Any:
        pk_or_404(self.get_queryset().model, self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        return super().get_object()

    def perform_create(self, serializer) -> None:
        model = self.get_queryset().model
        serializer.instance = object_create(
            model=model, by=self.request.user, fields=serializer.validated_data, audit=True
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = object_update(
            instance=serializer.instance, by=self.request.user, fields=serializer.validated_data, audit=True
        )

    def perform_destroy(self, instance) -> None:
        object_delete(instance=instance, by=self.request.user, audit=True)


# PlatformViewSet comes first so its perform_* (services) win over the mixins' (save()).
class CrudViewSet(
    PlatformViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    pass  # list, retrieve, create, update and delete


class ReadOnlyViewSet(PlatformViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    pass  # list and retrieve
