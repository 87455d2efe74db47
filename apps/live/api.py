"""The dashboards' REST reads under /api/live/: call rows and details, throughput and latency,
metric series, node health, queue depths, header counters, and the live counters."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import AUTHENTICATED
from apps.accounts.rights import Right
from apps.calls.models import Call, CallState
from apps.calls.selectors import header_counts
from apps.core.errors import BadRequest, NotFound
from apps.core.pagination import KeysetPagination
from apps.core.viewsets import pk_or_404
from apps.live import counters, selectors
from apps.live import serializers as s


def _int_param(request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    try:
        value = default if raw in (None, "") else int(raw)
    except ValueError:
        raise BadRequest("The query is not valid.", detail={name: ["Must be an integer."]}) from None
    if not low <= value <= high:
        raise BadRequest("The query is not valid.", detail={name: [f"Must be between {low} and {high}."]})
    return value


class LiveView(APIView):
    renderer_classes = [JSONRenderer]
    rights: dict[str, str] = {}


@extend_schema(responses=s.CallRowPageSerializer)
class CallRowsView(LiveView):
    """Calls newest first, as the live table shows them; filter by processor, socket, state, run.
    Keyset pages (``cursor`` from a page's links) as the Calls page walks them, or ``page`` by number."""

    rights = {"get": Right.LS_CALLS}

    def get(self, request):
        params = {key: request.query_params.get(key, "") for key in ("processor", "socket", "state", "run")}
        if params["state"] and params["state"] not in CallState.values:
            raise BadRequest("The query is not valid.", detail={"state": [f"One of {', '.join(CallState.values)}."]})
        if params["run"]:
            pk_or_404(Call, params["run"])  # a run id is a uuid like a call's
        paginator = KeysetPagination(keyset_first=True)
        page = paginator.paginate_queryset(selectors.call_rows(**params), request, view=self)
        return paginator.get_paginated_response([selectors.call_row(call) for call in page])


class CallDetailView(LiveView):
    """One call: its row, events timeline, arguments, result, log and provenance tree."""

    rights = {"get": Right.READ_CALL}

    @extend_schema(responses=s.CallDetailSerializer, operation_id="live_call_retrieve")
    def get(self, request, call_id: str):
        call = selectors.call_rows().filter(pk=pk_or_404(Call, call_id)).first()
        if call is None:
            raise NotFound("No such call.")
        return Response(selectors.call_detail(call=call))


@extend_schema(responses=s.ThroughputSerializer)
class ThroughputView(LiveView):
    """Per processor and socket: calls per second, latency p50/p95 and failures, bucketed."""

    rights = {"get": Right.READ_PROCESSOR}

    def get(self, request):
        window = _int_param(request, "window", 900, low=10, high=7 * 24 * 3600)
        points = _int_param(request, "points", 90, low=1, high=1000)
        return Response(selectors.processor_stats(
            window=window, points=points, processor=request.query_params.get("processor", "")))


@extend_schema(responses=s.MetricSeriesPageSerializer)
class SeriesView(LiveView):
    """User metric series (what functions return as ``graph``), downsampled."""

    rights = {"get": Right.LS_METRICS}

    def get(self, request):
        window = _int_param(request, "window", 3600, low=10, high=90 * 24 * 3600)
        points = _int_param(request, "points", 120, low=1, high=1000)
        return Response(selectors.metric_series(
            window=window, points=points, processor=request.query_params.get("processor", ""),
            name=request.query_params.get("name", "")))


@extend_schema(responses=s.NodesSerializer)
class NodesView(LiveView):
    rights = {"get": Right.LS_NODES}

    def get(self, request):
        return Response({"nodes": selectors.node_health()})


@extend_schema(responses=s.QueuesSerializer)
class QueuesView(LiveView):
    rights = {"get": Right.LS_QUEUES}

    def get(self, request):
        return Response({"queues": selectors.queue_depths(), "broker": selectors.broker_state()})


@extend_schema(responses=s.CountersSerializer)
class CountersView(LiveView):
    """The dashboard header: nodes up, processors running, calls running, recent failures."""

    rights = {"get": AUTHENTICATED}

    def get(self, request):
        return Response(header_counts())


@extend_schema(responses=s.StatsSerializer)
class StatsView(LiveView):
    """What the live path read, sent and delivered (see apps.live.counters): the platform's
    own measurements, so LS_METRICS like the other samples it records."""

    rights = {"get": Right.LS_METRICS}

    def get(self, request):
        return Response(counters.stats_read())


@extend_schema(responses=s.FlowCountersSerializer)
class FlowCountersView(LiveView):
    """The call counts of a flow's sockets (by bucket, and how the last call ended) and its
    open calls, for the canvas when it opens; live events then keep them current."""

    rights = {"get": Right.LS_CALLS}

    def get(self, request, flow_id: str):
        from apps.flows.models import Flow

        flow = Flow.objects.filter(pk=pk_or_404(Flow, flow_id)).first()
        if flow is None:
            raise NotFound("No such flow.")
        return Response(selectors.flow_counters(flow=flow))


urlpatterns = [
    path("calls/", CallRowsView.as_view(), name="live-calls"),
    path("calls/<str:call_id>/", CallDetailView.as_view(), name="live-call"),
    path("throughput/", ThroughputView.as_view(), name="live-throughput"),
    path("series/", SeriesView.as_view(), name="live-series"),
    path("nodes/", NodesView.as_view(), name="live-nodes"),
    path("queues/", QueuesView.as_view(), name="live-queues"),
    path("counters/", CountersView.as_view(), name="live-counters"),
    path("stats/", StatsView.as_view(), name="live-stats"),
    path("flows/<str:flow_id>/counters/", FlowCountersView.as_view(), name="live-flow-counters"),
]
