"""What the dashboards' reads under /api/live/ answer (apps.live.selectors builds them): the
schema describes each one, so the front end's types come from it."""

from __future__ import annotations

from rest_framework import serializers

from apps.calls.models import CallState
from apps.calls.serializers import CallTreeSerializer
from apps.core.models import Status
from apps.live.counters import CONNECTION_FIELDS, PUBLISHER_FIELDS


class CallRowSerializer(serializers.Serializer):
    """A call as the live table shows it (the fields a call event carries)."""

    call = serializers.UUIDField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=CallState.choices)
    run = serializers.UUIDField(help_text="The run (tracking) id.")
    socket = serializers.CharField()
    processor = serializers.CharField()
    queue = serializers.CharField(help_text="The socket's queue.")
    created = serializers.DateTimeField()
    started = serializers.DateTimeField(allow_null=True)
    finished = serializers.DateTimeField(allow_null=True)
    duration_ms = serializers.FloatField(allow_null=True)
    node = serializers.CharField(allow_null=True, help_text="The hostname of the node that ran it.")


class CallRowPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_exact = serializers.BooleanField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CallRowSerializer(many=True)


class CallEventSerializer(serializers.Serializer):
    name = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    # DRF's metaclass moves declared fields out of the class, so this does not shadow Serializer.data.
    data = serializers.JSONField(allow_null=True)  # type: ignore[assignment]
    created = serializers.DateTimeField()


class CallDetailSerializer(CallRowSerializer):
    """Everything the call drawer shows."""

    arguments = serializers.JSONField()
    result = serializers.JSONField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    log = serializers.CharField(allow_blank=True)
    commit = serializers.CharField(allow_blank=True)
    attempts = serializers.IntegerField()
    events = CallEventSerializer(many=True)
    version = serializers.CharField(allow_null=True, help_text='The flow version it ran under, e.g. "orders v3".')
    tree = CallTreeSerializer(help_text="Its run's tree from the first call it descends from.")


class ThroughputPointSerializer(serializers.Serializer):
    t = serializers.IntegerField(help_text="The bucket's start, seconds since 1970.")
    calls = serializers.IntegerField()
    rate = serializers.FloatField(help_text="Calls per second.")
    failures = serializers.IntegerField()
    p50 = serializers.FloatField(allow_null=True, help_text="Milliseconds.")
    p95 = serializers.FloatField(allow_null=True, help_text="Milliseconds.")


class ThroughputSeriesSerializer(serializers.Serializer):
    processor = serializers.CharField()
    socket = serializers.CharField(allow_blank=True, help_text="Empty: the processor's sockets together.")
    points = ThroughputPointSerializer(many=True)


class ThroughputSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    bucket = serializers.IntegerField(help_text="Seconds per point.")
    series = ThroughputSeriesSerializer(many=True)


class MetricPointSerializer(serializers.Serializer):
    t = serializers.FloatField(help_text="The bucket's start, seconds since 1970.")
    avg = serializers.FloatField()
    min = serializers.FloatField()
    max = serializers.FloatField()
    count = serializers.IntegerField()


class MetricSeriesSerializer(serializers.Serializer):
    processor = serializers.CharField()
    name = serializers.CharField()
    points = MetricPointSerializer(many=True)


class MetricSeriesPageSerializer(serializers.Serializer):
    bucket = serializers.IntegerField(help_text="Seconds per point.")
    series = MetricSeriesSerializer(many=True)


class NodeHealthSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["node"])
    name = serializers.CharField()
    hostname = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    heartbeat = serializers.DateTimeField(allow_null=True)
    age = serializers.FloatField(allow_null=True, help_text="Seconds since its last heartbeat.")
    up = serializers.BooleanField()
    cpus = serializers.IntegerField()
    cpuload = serializers.FloatField()
    loadavg = serializers.FloatField()
    memused = serializers.FloatField()
    diskusage = serializers.FloatField()


class NodesSerializer(serializers.Serializer):
    nodes = NodeHealthSerializer(many=True)


class QueueDepthSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["queue"])
    name = serializers.CharField()
    ready = serializers.IntegerField()
    inflight = serializers.IntegerField()
    consumers = serializers.IntegerField()
    sampled = serializers.DateTimeField(allow_null=True)


class BrokerStateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["broker"])
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=["ok", "unreachable", "unknown"])
    message = serializers.CharField(allow_blank=True)
    since = serializers.CharField(allow_null=True, help_text="When it was first found unreachable (ISO 8601).")


class QueuesSerializer(serializers.Serializer):
    queues = QueueDepthSerializer(many=True)
    broker = BrokerStateSerializer()


class CountersSerializer(serializers.Serializer):
    nodes_up = serializers.IntegerField()
    processors_running = serializers.IntegerField()
    calls_running = serializers.IntegerField()
    failures_last_minute = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    """The live path's totals (apps.live.counters)."""

    unacked = serializers.IntegerField(help_text="Read from the stream and not acknowledged yet.")


for _name in (*PUBLISHER_FIELDS, *CONNECTION_FIELDS):
    StatsSerializer._declared_fields[_name] = serializers.IntegerField()


class SocketCountsSerializer(serializers.Serializer):
    queued = serializers.IntegerField()
    running = serializers.IntegerField()
    finished = serializers.IntegerField()
    failed = serializers.IntegerField()
    last = serializers.ChoiceField(choices=["finished", "failed"], allow_null=True,
                                   help_text="How its last call ended.")


class FlowCountersSerializer(serializers.Serializer):
    sockets = serializers.DictField(child=SocketCountsSerializer(), help_text="By socket name.")
    open = serializers.DictField(child=serializers.ChoiceField(choices=["queued", "running"]),
                                 help_text="Its open calls, by id: queued or running.")
