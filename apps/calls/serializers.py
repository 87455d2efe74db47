"""What the calls API reads. Calls and events are written by the engine, not through the API."""

from __future__ import annotations

from rest_framework import serializers

from apps.calls.models import Call, Event, MetricSample
from apps.calls.selectors import call_version_label
from apps.core.serializers import PlatformSerializer

# What a call carried and made: its input, its result or error, its printed output. They may
# hold anything a function was given or returned (a secret too), so they need READ_CALL.
CONTENT_FIELDS = ["arguments", "result", "error", "log"]


class CallSummarySerializer(PlatformSerializer):
    """A call without its content: what LS_CALLS alone shows."""

    version_label = serializers.SerializerMethodField(
        help_text='The flow version it ran under, e.g. "orders v3"; null: no deployed flow owns its socket.')

    class Meta:
        model = Call
        fields = [
            "id", "name", "owner", "state", "tracking", "parent", "taskparent", "resultid", "celeryid",
            "argument", "task", "socket", "created", "lastupdated", "started", "finished",
            "commit", "version", "version_label", "node", "agent", "worker", "hops", "attempts",
        ]
        read_only_fields = fields

    def get_version_label(self, call: Call) -> str | None:
        return call_version_label(call)


class CallSerializer(CallSummarySerializer):
    class Meta(CallSummarySerializer.Meta):
        fields = [*CallSummarySerializer.Meta.fields, *CONTENT_FIELDS]
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
