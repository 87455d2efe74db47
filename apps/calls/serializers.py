"""What the calls API reads. Calls and events are written by the engine, not through the API."""

from __future__ import annotations

from rest_framework import serializers

from apps.calls.models import Call, CallState, Event, MetricSample
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


# --- provenance (apps.calls.selectors): what the tree, graph and lineage answers hold ------

class CallNodeSerializer(serializers.Serializer):
    """One call in a provenance answer."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=CallState.choices)
    socket = serializers.CharField()
    processor = serializers.CharField()
    # DRF's metaclass moves declared fields out of the class, so this does not shadow Field.parent.
    parent = serializers.UUIDField(allow_null=True)  # type: ignore[assignment]
    started = serializers.DateTimeField(allow_null=True)
    finished = serializers.DateTimeField(allow_null=True)
    node = serializers.CharField(allow_null=True, help_text="The hostname of the node that ran it.")
    agent = serializers.CharField(allow_null=True)
    worker = serializers.CharField(allow_null=True)
    commit = serializers.CharField(allow_blank=True, help_text="The commit of the mount that ran it.")


class CallTreeSerializer(CallNodeSerializer):
    """A call and the calls it led to, each with theirs (bounded by ``depth``)."""


# A tree's children are trees: declared after the class, so it can name itself.
CallTreeSerializer._declared_fields["children"] = CallTreeSerializer(many=True)


class CallEdgeSerializer(serializers.Serializer):
    to = serializers.UUIDField(help_text="The call the value flowed into.")


# "from" is a Python keyword: the field is declared by name.
CallEdgeSerializer._declared_fields["from"] = serializers.UUIDField(help_text="The call whose value flowed.")


class CallGraphSerializer(serializers.Serializer):
    run = serializers.UUIDField()
    roots = serializers.ListField(child=serializers.UUIDField(), help_text="The calls of the run with no parent.")
    nodes = CallNodeSerializer(many=True)
    edges = CallEdgeSerializer(many=True)


class CallLineageNodeSerializer(CallNodeSerializer):
    depth = serializers.IntegerField(help_text="Hops from the call asked about.")


class CallLineageSerializer(serializers.Serializer):
    call = serializers.UUIDField()
    direction = serializers.ChoiceField(choices=["upstream", "downstream"])
    depth = serializers.IntegerField()
    calls = CallLineageNodeSerializer(many=True)
    sockets = serializers.ListField(child=serializers.CharField())
    processors = serializers.ListField(child=serializers.CharField())
    agents = serializers.ListField(child=serializers.CharField())
