"""``GET /api/monitor/queues/``: the newest sample of each broker queue (what ``flow ls
queues`` shows), filtered by queue row, processor or state; paginated like every list.

``GET /api/monitor/queues/<name>/messages/?limit=50``: the messages waiting on one broker
queue, redacted (READ_QUEUE; their arguments, cut short, only with READ_CALL too, the right
that shows a call's arguments elsewhere). ``POST /api/monitor/queues/<name>/purge/`` with
``{"confirm": "<name>"}`` empties it and cancels its queued calls (UPDATE_QUEUE)."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.rights import Right
from apps.accounts.selectors import user_has_right
from apps.calls.models import CallState
from apps.core.errors import BadRequest
from apps.core.pagination import Pagination
from apps.engine.monitor.contents import MAX_PEEK
from apps.engine.monitor.health import broker_health
from apps.engine.monitor.selectors import (
    ARGUMENTS_CHARS,
    broker_queue_find,
    queue_messages,
)
from apps.engine.monitor.services import queue_purge
from apps.engine.outbox import resent_counts
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
    joined = serializers.IntegerField(help_text="Runs waiting in a join for more arguments of a socket it feeds.")
    resent = serializers.SerializerMethodField(
        help_text="Calls of the last hour whose message the broker lost (restarted empty, or the web process died "
                  "while sending) and the outbox sweeper sent again.")
    sampled = serializers.DateTimeField(source="created")

    @extend_schema_field(int)
    def get_resent(self, sample) -> int:
        return self.context.get("resent", {}).get(sample.name, 0)


class BrokerHealthSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["ok", "unreachable", "unknown"])
    message = serializers.CharField(help_text="Why the broker is unreachable; empty when it answers.")
    since = serializers.CharField(allow_null=True, help_text="When it was first found unreachable (ISO 8601).")


class QueueSamplePage(serializers.Serializer):
    broker = BrokerHealthSerializer(help_text="Whether the broker answers (apps.engine.monitor.health).")
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
        resent = resent_counts(queues=[s.name for s in page], since=timezone.now() - timedelta(hours=1))
        response = paginator.get_paginated_response(
            QueueSampleSerializer(page, many=True, context={"resent": resent}).data)
        response.data["broker"] = broker_health()
        return response


class WaitingMessageSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="1 is the next message a worker receives.")
    priority = serializers.IntegerField(allow_null=True, help_text="The priority list it waits in (Redis).")
    call = serializers.UUIDField(allow_null=True, help_text="Null: the message carries no call of this queue.")
    name = serializers.CharField(allow_null=True)
    socket = serializers.CharField(allow_null=True)
    state = serializers.ChoiceField(choices=CallState.choices, allow_null=True)
    run = serializers.UUIDField(allow_null=True, help_text="The run (tracking) id.")
    created = serializers.DateTimeField(allow_null=True)
    age = serializers.FloatField(allow_null=True, help_text="Seconds since the call was sent.")
    arguments = serializers.CharField(
        allow_null=True, help_text=f"The call's arguments as JSON, cut to {ARGUMENTS_CHARS} characters; "
                                   "null without the READ_CALL right.")


class QueueMessagesSerializer(serializers.Serializer):
    name = serializers.CharField()
    queue = serializers.CharField()
    processor = serializers.CharField()
    # DRF's metaclass moves declared fields out of the class, so this does not shadow Field.source.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=["broker", "calls"],
        help_text="broker: read in place on Redis; calls: RabbitMQ cannot be read without delivering, so "
                  "these are the queue's calls still queued, oldest first.")
    ready = serializers.IntegerField(help_text="Messages waiting, as the broker counts them.")
    limit = serializers.IntegerField()
    arguments_shown = serializers.BooleanField()
    messages = WaitingMessageSerializer(many=True)


class QueuePurgeSerializer(serializers.Serializer):
    confirm = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                    help_text="The queue's name, typed again.")


class QueuePurgedSerializer(serializers.Serializer):
    name = serializers.CharField()
    purged = serializers.IntegerField(help_text="Messages removed from the broker.")
    cancelled = serializers.IntegerField(help_text="Queued calls now cancelled.")


def _limit(raw: str, default: int = 50) -> int:
    try:
        limit = int(raw) if raw else default
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_PEEK:
        raise BadRequest("The query is not valid.", detail={"limit": [f"An integer from 1 to {MAX_PEEK}."]})
    return limit


class QueueMessagesView(APIView):
    """The messages waiting on one broker queue, next to be delivered first; nothing is taken."""

    renderer_classes = (JSONRenderer,)
    rights: ClassVar[dict[str, str]] = {"get": Right.READ_QUEUE}

    @extend_schema(parameters=[OpenApiParameter("limit", int, description=f"1 to {MAX_PEEK}; 50 by default.")],
                   responses=QueueMessagesSerializer)
    def get(self, request, name: str):
        limit = _limit(request.query_params.get("limit", ""))
        body = queue_messages(name=name, limit=limit, arguments=user_has_right(request.user, Right.READ_CALL))
        return Response(QueueMessagesSerializer(body).data)


class QueuePurgeView(APIView):
    """Empty one broker queue and cancel its queued calls; ``confirm`` must repeat its name."""

    renderer_classes = (JSONRenderer,)
    rights: ClassVar[dict[str, str]] = {"post": Right.UPDATE_QUEUE}

    @extend_schema(request=QueuePurgeSerializer, responses=QueuePurgedSerializer)
    def post(self, request, name: str):
        broker_queue_find(name=name)  # an unknown queue is a 404 whatever the body
        serializer = QueuePurgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["confirm"] != name:
            raise BadRequest(f"Nothing was purged: confirm must be the queue's name, {name!r}.",
                             detail={"confirm": [f"Type {name!r} to confirm."]})
        purged = queue_purge(name=name, by=request.user)
        return Response(QueuePurgedSerializer(purged).data)


urlpatterns = [
    path("queues/", QueueSamplesView.as_view(), name="monitor-queues"),
    path("queues/<path:name>/messages/", QueueMessagesView.as_view(), name="monitor-queue-messages"),
    path("queues/<path:name>/purge/", QueuePurgeView.as_view(), name="monitor-queue-purge"),
]
