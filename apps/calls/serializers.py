"""What the calls API reads. Calls and events are written by the engine, not through the API."""

from __future__ import annotations

from apps.calls.models import Call, Event, MetricSample
from apps.core.serializers import PlatformSerializer


class CallSerializer(PlatformSerializer):
    class Meta:
        model = Call
        fields = [
            "id", "name", "state", "tracking", "parent", "taskparent", "resultid", "celeryid",
            "argument", "task", "socket", "created", "lastupdated", "started", "finished",
            "arguments", "result", "error", "log", "commit", "version", "node", "agent", "worker",
            "hops", "attempts",
        ]
        read_only_fields = fields


class EventSerializer(PlatformSerializer):
    class Meta:
        model = Event
        fields = ["id", "name", "note", "call", "data", "created"]
        read_only_fields = fields


class MetricSampleSerializer(PlatformSerializer):
    class Meta:
        model = MetricSample
        fields = ["id", "processor", "call", "name", "value", "tags", "created"]
        read_only_fields = fields
