"""Provenance of calls: forward tree, whole-run graph, and bounded lineage; actions of the
calls' viewset (apps.calls.api.CallViewSet)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.rights import Right
from apps.calls.selectors import call_graph, call_lineage, call_tree
from apps.calls.serializers import CallGraphSerializer, CallLineageSerializer, CallTreeSerializer
from apps.core.errors import BadRequest

DEPTH = OpenApiParameter("depth", OpenApiTypes.INT, description="How many hops to follow (1-100).")


def _depth(request, default: int) -> int:
    raw = request.query_params.get("depth", default)
    try:
        depth = int(raw)
    except (TypeError, ValueError):
        raise BadRequest("The input is not valid.", detail={"depth": ["Must be an integer."]}) from None
    if not 1 <= depth <= 100:
        raise BadRequest("The input is not valid.", detail={"depth": ["Must be between 1 and 100."]})
    return depth


class CallProvenance:
    """``tree``, ``graph``, ``upstream`` and ``downstream`` of ``/api/calls/{id}/``."""

    rights = {"tree": Right.READ_CALL, "graph": Right.READ_CALL, "upstream": Right.READ_CALL,
              "downstream": Right.READ_CALL}

    @extend_schema(parameters=[DEPTH], responses=CallTreeSerializer)
    @action(detail=True, methods=["get"])
    def tree(self, request, id=None):
        return Response(call_tree(call=self.get_object(), depth=_depth(request, 50)))

    @extend_schema(responses=CallGraphSerializer)
    @action(detail=True, methods=["get"])
    def graph(self, request, id=None):
        return Response(call_graph(call=self.get_object()))

    @extend_schema(parameters=[DEPTH], responses=CallLineageSerializer)
    @action(detail=True, methods=["get"])
    def upstream(self, request, id=None):
        return Response(call_lineage(call=self.get_object(), direction="upstream", depth=_depth(request, 10)))

    @extend_schema(parameters=[DEPTH], responses=CallLineageSerializer)
    @action(detail=True, methods=["get"])
    def downstream(self, request, id=None):
        return Response(call_lineage(call=self.get_object(), direction="downstream", depth=_depth(request, 10)))

