"""Where code runs: networks, nodes, agents, workers, deployments, queues, schedulers.

Deployments and workers point at ``processors.Processor`` by a lazy reference so
this app imports nothing from the apps above it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from apps.core.models import BaseModel


class Strategy(models.TextChoices):
    BALANCED = "BALANCED", "Balanced (spread over nodes)"
    EFFICIENT = "EFFICIENT", "Efficient (pack onto few nodes)"


class QueueType(models.TextChoices):
    DIRECT = "direct"
    TOPIC = "topic"
    FANOUT = "fanout"


class Network(BaseModel):
    class Meta(BaseModel.Meta):
        db_table = "network"


class Scheduler(BaseModel):
    strategy = models.CharField(max_length=20, choices=Strategy.choices, default=Strategy.BALANCED)
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.CASCADE, related_name="schedulers"
    )

    class Meta(BaseModel.Meta):
        db_table = "scheduler"


class Node(BaseModel):
    hostname = models.CharField(max_length=200, unique=True)
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.CASCADE, related_name="nodes"
    )
    scheduler = models.ForeignKey(
        Scheduler, null=True, blank=True, on_delete=models.SET_NULL, related_name="nodes"
    )
    cpus = models.PositiveIntegerField(default=0)
    cpuload = models.FloatField(default=0, help_text="CPU use in percent.")
    loadavg = models.FloatField(default=0, help_text="One-minute load average.")
    memsize = models.BigIntegerField(default=0, help_text="Total memory in bytes.")
    freemem = models.BigIntegerField(default=0, help_text="Available memory in bytes.")
    memused = models.FloatField(default=0, help_text="Memory use in percent.")
    disksize = models.BigIntegerField(default=0, help_text="Disk size in bytes.")
    diskusage = models.FloatField(default=0, help_text="Disk use in percent.")
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta(BaseModel.Meta):
        db_table = "node"


class Agent(BaseModel):
    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="agent")
    hostname = models.CharField(max_length=200)
    cpus = models.PositiveIntegerField(default=1)
    port = models.PositiveIntegerField(null=True, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    monitor_only = models.BooleanField(default=False, help_text="Runs the queue monitor only.")

    class Meta(BaseModel.Meta):
        db_table = "agent"


class Queue(BaseModel):
    qtype = models.CharField(max_length=10, choices=QueueType.choices, default=QueueType.DIRECT)
    durable = models.BooleanField(default=True)
    reliable = models.BooleanField(default=True)
    auto_delete = models.BooleanField(default=False)
    max_length = models.IntegerField(default=-1, help_text="-1 for unbounded.")
    max_length_bytes = models.BigIntegerField(default=-1, help_text="-1 for unbounded.")
    message_ttl = models.IntegerField(default=-1, help_text="Milliseconds; -1 for no TTL.")
    expires = models.IntegerField(default=-1, help_text="Milliseconds unused before the broker deletes it; -1 never.")
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.CASCADE, related_name="queues"
    )
    # A plain id, not a foreign key: the flows app sits above this one.
    flow_key = models.CharField(
        max_length=40, blank=True, default="", db_index=True,
        help_text="Id of the flow whose deploy made it for one of its sockets; only that flow's sockets "
                  "use it. Empty: made outside any flow (CLI, API).")

    class Meta(BaseModel.Meta):
        db_table = "queue"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_length__gte=-1), name="queue_max_length_valid"
            ),
        ]


class Deployment(BaseModel):
    """A share of a processor's concurrency placed on one host."""

    name = models.CharField(max_length=200)
    hostname = models.CharField(max_length=200)
    cpus = models.PositiveIntegerField(default=1)
    processor = models.ForeignKey(
        "processors.Processor", on_delete=models.CASCADE, related_name="deployments"
    )
    node = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.SET_NULL, related_name="deployments"
    )

    class Meta(BaseModel.Meta):
        db_table = "deployment"
        constraints = [
            models.UniqueConstraint(fields=["processor", "hostname"], name="deployment_per_host"),
            models.CheckConstraint(condition=models.Q(cpus__gte=1), name="deployment_cpus_positive"),
        ]


class Worker(BaseModel):
    backend = models.CharField(max_length=200, blank=True)
    broker = models.CharField(max_length=200, blank=True)
    concurrency = models.PositiveIntegerField(default=1)
    process = models.PositiveIntegerField(null=True, blank=True, help_text="OS process id.")
    port = models.PositiveIntegerField(null=True, blank=True)
    hostname = models.CharField(max_length=200, blank=True)
    workerdir = models.CharField(max_length=500, blank=True)
    processor = models.ForeignKey(
        "processors.Processor", on_delete=models.CASCADE, related_name="workers"
    )
    deployment = models.OneToOneField(
        Deployment, null=True, blank=True, on_delete=models.SET_NULL, related_name="worker"
    )
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="workers"
    )
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta(BaseModel.Meta):
        db_table = "worker"


class ActionTarget(models.TextChoices):
    HOST = "host"
    WORKER = "worker"
    PROCESSOR = "processor"
    QUEUE = "queue"
    ALL = "all"


class Action(BaseModel):
    """An operator's request for an agent to act (restart a worker, purge a queue...)."""

    params = models.JSONField(default=dict, blank=True)
    target = models.CharField(max_length=20, choices=ActionTarget.choices)

    class Meta(BaseModel.Meta):
        db_table = "action"


class Container(BaseModel):
    container_id = models.CharField(max_length=100, unique=True)

    class Meta(BaseModel.Meta):
        db_table = "container"


class QueueState(models.TextChoices):
    OK = "ok"
    WARN = "warn", "Warn (at least 60% of its maximum length)"
    FULL = "full", "Full (at its maximum length)"
    PAUSED = "paused", "Paused (its processor or a socket is paused)"


class QueueLog(models.Model):
    """One sample of a broker queue's depth and rates (the specification's ``queuelog``),
    written by the queue monitor (apps.engine.monitor) once per tick and kept for
    QUEUE_MONITOR_RETENTION seconds. Every broker queue of one Queue row sampled in one
    tick shares its ``created``, so the newest tick of a row is the set of its newest
    samples (apps.network.selectors.queuelog_latest)."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="samples")
    processor = models.ForeignKey(
        "processors.Processor", null=True, blank=True, on_delete=models.CASCADE, related_name="queue_samples",
        help_text="Whose calls the broker queue carries.",
    )
    name = models.CharField(max_length=401, blank=True, default="",
                            help_text="The broker queue: <queue name>.<processor name>.")
    created = models.DateTimeField(default=timezone.now)
    ready = models.PositiveIntegerField(default=0, help_text="Messages waiting to be delivered.")
    inflight = models.PositiveIntegerField(default=0, help_text="Delivered, not yet acknowledged.")
    consumers = models.PositiveIntegerField(default=0)
    arrival_rate = models.FloatField(default=0, help_text="Calls sent to the queue per second.")
    completion_rate = models.FloatField(
        default=0, help_text="Messages that left the queue (acknowledged, expired or purged) per second.")
    oldest_age = models.FloatField(null=True, blank=True, help_text="Seconds the oldest ready message has waited.")
    state = models.CharField(max_length=10, choices=QueueState.choices, default=QueueState.OK)
    joined = models.PositiveIntegerField(
        default=0, help_text="Runs waiting in a join for more arguments of a socket the queue carries calls to.")

    class Meta:
        db_table = "queuelog"
        indexes = [
            # Charts read the newest samples of one queue.
            models.Index(fields=["queue", "-created"], name="queuelog_queue_idx"),
            # Retention deletes samples by age.
            models.Index(fields=["created"], name="queuelog_created_idx"),
        ]
