"""The calls API: calls (read and delete), their events and metric samples (read only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from apps.accounts.rights import Right, crud_rights
from apps.accounts.selectors import user_has_right
from apps.calls import serializers as s
from apps.calls import services
from apps.calls.models import Call, Event, MetricSample
from apps.calls.provenance_api import CallProvenance
from apps.core.filters import filterset_for
from apps.core.pagination import KeysetPagination
from apps.core.routers import PlatformRouter
from apps.core.viewsets import PlatformViewSet, ReadOnlyViewSet


@extend_schema_view(list=extend_schema(
    description="Calls, newest first. Their arguments, result, error and log only with READ_CALL. "
                "Deep pages: pass cursor (empty for the first page) and follow next."))
class CallViewSet(PlatformViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                  CallProvenance):
    queryset = Call.objects.select_related("socket", "node", "agent", "worker", "version__flow").order_by("-created")
    pagination_class = KeysetPagination
    serializer_class = s.CallSerializer
    filterset_class = filterset_for(
        Call, by_name=("socket",), by_id=("parent", "task", "version"), fields=("state", "tracking")
    )
    ordering_fields = ["name", "created", "started", "finished", "state"]
    rights = {**crud_rights("CALL", "CALLS", actions=("list", "retrieve", "destroy")), **CallProvenance.rights}

    def get_serializer_class(self):
        """The list leaves out what a call carried and made unless the user holds READ_CALL
        (the schema documents the summary: what every lister gets)."""
        if self.action == "list" and (
            getattr(self, "swagger_fake_view", False) or not user_has_right(self.request.user, Right.READ_CALL)
        ):
            return s.CallSummarySerializer
        return s.CallSerializer

    def perform_destroy(self, instance) -> None:
        services.call_delete(call=instance, by=self.request.user)


class EventViewSet(ReadOnlyViewSet):
    queryset = Event.objects.order_by("created")
    serializer_class = s.EventSerializer
    filterset_class = filterset_for(Event, by_id=("call",))
    ordering_fields = ["name", "created"]
    rights = crud_rights("EVENT", "EVENTS", actions=("list", "retrieve"))


class MetricSampleViewSet(ReadOnlyViewSet):
    queryset = MetricSample.objects.select_related("processor").order_by("-created")
    serializer_class = s.MetricSampleSerializer
    filterset_class = filterset_for(MetricSample, by_name=("processor",), by_id=("call",))
    ordering_fields = ["name", "created", "value"]
    rights = crud_rights("METRIC", "METRICS", actions=("list", "retrieve"))


def register_routes(router: PlatformRouter) -> None:
    router.register("calls", CallViewSet, basename="call")
    router.register("events", EventViewSet, basename="event")
    router.register("metrics", MetricSampleViewSet, basename="metric")
