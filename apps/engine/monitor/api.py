"""``GET /api/monitor/queues/``: the newest sample of each broker queue (what ``flow ls
queues`` shows), filtered by queue row, processor or state; paginated like every list."""

from __future__ import annotations

from typing import ClassVar

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from apps.accounts.rights import Right
from apps.core.errors import BadRequest
from apps.core.pagination import Pagination
from apps.network.models import Queue, QueueState
from apps.network.selectors import queuelog_latest


class QueueSampleSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The broker queue: <queue>.<processor>.")
    queue = serializers.CharField(source="queue.name")
    processor = serializers.CharField(source="processor.name", allow_null=True, default=None)
    ready = serializers.IntegerField()
    inflight = serializers.IntegerField()
    consumers = serializers.IntegerField()
    arrival_rate = serializers.FloatField(help_text="Calls sent per second.")
    completion_rate = serializers.FloatField(help_text="Messages that left the queue per second.")
    oldest_age = serializers.FloatField(allow_null=True, help_text="Seconds the oldest ready message waited.")
    state = serializers.ChoiceField(choices=QueueState.choices)
    max_length = serializers.IntegerField(source="queue.max_length")
    sampled = serializers.DateTimeField(source="created")


class QueueSamplePage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = QueueSampleSerializer(many=True)


class QueueSamplesView(APIView):
    """The newest sample of each broker queue the monitor sampled."""

    renderer_classes = (JSONRenderer,)
    rights: ClassVar[dict[str, str]] = {"get": Right.LS_QUEUES}

    @extend_schema(
        parameters=[OpenApiParameter("queue", str), OpenApiParameter("processor", str),
                    OpenApiParameter("state", str, enum=QueueState.values)],
        responses=QueueSamplePage,
    )
    def get(self, request):
        params = {key: request.query_params.get(key, "") for key in ("queue", "processor", "state")}
        if params["state"] and params["state"] not in QueueState.values:
            raise BadRequest("The query is not valid.", detail={"state": [f"One of {', '.join(QueueState.values)}."]})
        queues = Queue.objects.filter(name=params["queue"]) if params["queue"] else Queue.objects.all()
        samples = [s for s in queuelog_latest(queues=queues)
                   if (not params["processor"] or (s.processor and s.processor.name == params["processor"]))
                   and (not params["state"] or s.state == params["state"])]
        paginator = Pagination()
        page = paginator.paginate_queryset(samples, request, view=self)
        return paginator.get_paginated_response(QueueSampleSerializer(page, many=True).data)


urlpatterns = [
    path("queues/", QueueSamplesView.as_view(), name="monitor-queues"),
]
