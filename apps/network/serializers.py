"""What the network API reads and writes. Foreign keys are given by name."""

from __future__ import annotations

from apps.core.serializers import (
    BASE_FIELDS,
    BASE_READ_ONLY,
    PlatformSerializer,
    RedactedUrlField,
)
from apps.network.models import (
    Action,
    Agent,
    Container,
    Deployment,
    Network,
    Node,
    Queue,
    QueueLog,
    Scheduler,
    Worker,
)


class NetworkSerializer(PlatformSerializer):
    class Meta:
        model = Network
        fields = BASE_FIELDS
        read_only_fields = BASE_READ_ONLY


class SchedulerSerializer(PlatformSerializer):
    class Meta:
        model = Scheduler
        fields = [*BASE_FIELDS, "strategy", "network"]
        read_only_fields = BASE_READ_ONLY


NODE_MEASUREMENTS = [
    "cpuload", "loadavg", "memsize", "freemem", "memused", "disksize", "diskusage", "heartbeat",
]


class NodeSerializer(PlatformSerializer):
    class Meta:
        model = Node
        fields = [*BASE_FIELDS, "hostname", "network", "scheduler", "cpus", *NODE_MEASUREMENTS]
        read_only_fields = [*BASE_READ_ONLY, *NODE_MEASUREMENTS]


class AgentSerializer(PlatformSerializer):
    class Meta:
        model = Agent
        fields = [*BASE_FIELDS, "node", "hostname", "cpus", "port", "pid", "heartbeat", "monitor_only"]
        read_only_fields = [*BASE_READ_ONLY, "heartbeat"]


class WorkerSerializer(PlatformSerializer):
    backend = RedactedUrlField(max_length=200, allow_blank=True, required=False)
    broker = RedactedUrlField(max_length=200, allow_blank=True, required=False)

    class Meta:
        model = Worker
        fields = [
            *BASE_FIELDS, "backend", "broker", "concurrency", "process", "port", "hostname",
            "workerdir", "processor", "deployment", "agent", "heartbeat",
        ]
        read_only_fields = [*BASE_READ_ONLY, "heartbeat"]


class DeploymentSerializer(PlatformSerializer):
    class Meta:
        model = Deployment
        fields = [*BASE_FIELDS, "hostname", "cpus", "processor", "node"]
        read_only_fields = BASE_READ_ONLY
        extra_kwargs = {"cpus": {"min_value": 1}}


class QueueSerializer(PlatformSerializer):
    class Meta:
        model = Queue
        fields = [
            *BASE_FIELDS, "qtype", "durable", "reliable", "auto_delete", "max_length",
            "max_length_bytes", "message_ttl", "expires", "network", "flow_key",
        ]
        read_only_fields = [*BASE_READ_ONLY, "flow_key"]
        extra_kwargs = {"max_length": {"min_value": -1, "help_text": "-1 for unbounded."}}


class ActionSerializer(PlatformSerializer):
    class Meta:
        model = Action
        fields = [*BASE_FIELDS, "params", "target"]
        read_only_fields = BASE_READ_ONLY


class ContainerSerializer(PlatformSerializer):
    class Meta:
        model = Container
        fields = [*BASE_FIELDS, "container_id"]
        read_only_fields = BASE_READ_ONLY


class QueueLogSerializer(PlatformSerializer):
    class Meta:
        model = QueueLog
        fields = ["id", "queue", "processor", "name", "created", "ready", "inflight", "consumers", "arrival_rate",
                  "completion_rate", "oldest_age", "state"]
        read_only_fields = fields
