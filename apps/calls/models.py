"""Calls of sockets and their lifecycle events.

``flows.Version`` is referenced lazily: a call records the flow version deployed
when it was sent, without this app importing the flows app.
"""

from __future__ import annotations

import uuid

from django.db import models

from apps.core.models import BaseModel
from apps.network.models import Agent, Node, Worker
from apps.processors.models import Socket, Task


class CallState(models.TextChoices):
    WAITING = "waiting"  # a workflow step whose inputs (earlier steps' results) have not all arrived
    QUEUED = "queued"
    RECEIVED = "received"
    RUNNING = "running"
    RETRY = "retry"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


FINAL_STATES = (CallState.FINISHED, CallState.FAILED, CallState.CANCELLED, CallState.EXPIRED)


class Call(BaseModel):
    name = models.CharField(max_length=200, help_text="The socket's name at call time.")
    state = models.CharField(max_length=20, choices=CallState.choices, default=CallState.QUEUED)
    tracking = models.UUIDField(default=uuid.uuid4, help_text="Run id every call downstream inherits.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    taskparent = models.CharField(max_length=80, blank=True, default="")
    resultid = models.CharField(max_length=80, blank=True, default="")
    celeryid = models.CharField(max_length=80, blank=True, default="")
    argument = models.CharField(max_length=200, blank=True, default="", help_text="Target argument, if a plug fed one.")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="calls")
    socket = models.ForeignKey(Socket, on_delete=models.CASCADE, related_name="calls")
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    arguments = models.JSONField(default=dict, blank=True, help_text="Input args and kwargs (bounded).")
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    log = models.TextField(blank=True, default="", help_text="Captured print output (bounded).")
    commit = models.CharField(max_length=64, blank=True, default="", help_text="Commit of the mount that ran it.")
    version = models.ForeignKey(
        "flows.Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    node = models.ForeignKey(Node, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    inputs = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="consumers",
        help_text="Every call whose value fed this one (several for a join).",
    )
    hops = models.PositiveIntegerField(default=0, help_text="Plug hops since the run began.")
    attempts = models.PositiveIntegerField(default=0)
    queue = models.CharField(
        max_length=401, blank=True, default="",
        help_text="The broker queue its message was sent on: its socket's, or the plug's that delivered it.")
    then = models.JSONField(
        default=list, blank=True,
        help_text="Workflow runs (the client's pipeline, parallel, funnel): ids of the calls waiting for this "
                  "one's result (see Gather).")
    generation = models.PositiveIntegerField(
        null=True, blank=True, default=0,
        help_text="Which send of the call is current: its message carries it, a worker drops a message of another "
                  "send, and the outbox sweeper raises it when it sends a lost message again. Null: one the sweeper "
                  "leaves alone (rows of the workflow canvases of earlier versions).")

    class Meta(BaseModel.Meta):
        db_table = "call"
        ordering = ["-created"]
        indexes = [
            # A run's calls (graph, tree, flow view).
            models.Index(fields=["tracking"], name="call_tracking_idx"),
            # The calls of a socket, newest first (processor and socket pages).
            models.Index(fields=["socket", "-started"], name="call_socket_idx"),
            # Unfinished calls and dashboards filter by state, newest first.
            models.Index(fields=["state", "-started"], name="call_state_idx"),
            # The calls list pages by start time.
            models.Index(fields=["-started"], name="call_started_idx"),
            # The API lists calls newest first (ordering -created), often filtered by state.
            models.Index(fields=["-created"], name="call_created_idx"),
            models.Index(fields=["state", "-created"], name="call_state_created_idx"),
            # The queue monitor counts each broker queue's open calls every tick.
            models.Index(fields=["queue", "state"], name="call_queue_state_idx"),
            # The queues list counts each queue's recent calls the outbox sweeper sent again
            # (rare: the partial index stays small).
            models.Index(fields=["queue", "created"], name="call_resent_idx", condition=models.Q(generation__gt=0)),
        ]


class Event(BaseModel):
    """A lifecycle event of a call: queued, received, prerun, postrun, failure, retry..."""

    name = models.CharField(max_length=40)
    note = models.CharField(max_length=500, blank=True, default="")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    data = models.JSONField(default=dict, blank=True)

    class Meta(BaseModel.Meta):
        db_table = "event"
        ordering = ["created"]
        indexes = [
            # A call's timeline.
            models.Index(fields=["call", "created"], name="event_call_idx"),
        ]


class MetricSample(models.Model):
    """A value a function reported (its ``graph`` result) or a platform measurement."""

    processor = models.ForeignKey(
        "processors.Processor", on_delete=models.CASCADE, related_name="metric_samples"
    )
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200)
    value = models.FloatField()
    tags = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "metric_sample"
        indexes = [
            # Charts read one series of one processor over time.
            models.Index(fields=["processor", "name", "-created"], name="metric_series_idx"),
        ]


class Gather(models.Model):
    """What a waiting workflow step takes: earlier steps' results, arranged as it takes them.

    A step of a pipeline takes the previous step's result first; one after a parallel (or a
    funnel's final step) takes the list of their results. ``template`` is that value as a
    tree of call ids (a list for each parallel); each result that arrives goes into
    ``values`` and ``missing`` counts down. At zero, in the transaction that recorded the
    last result, the row is deleted and the step queued with the filled template first.
    """

    call = models.OneToOneField(Call, primary_key=True, on_delete=models.CASCADE, related_name="gather")
    template = models.JSONField(help_text="The value it takes first: a call id, or a list of such trees.")
    values = models.JSONField(default=dict, help_text="Call id -> result, as they arrive.")
    missing = models.PositiveIntegerField(help_text="Results still to arrive.")

    class Meta:
        db_table = "gather"


class Join(models.Model):
    """Arguments that have arrived for one run at a socket fed by several bound plugs.

    The target runs once every bound argument is here; the row is then deleted in the
    same transaction that records the target's call, so it runs exactly once.
    """

    tracking = models.UUIDField()
    target = models.ForeignKey(Socket, on_delete=models.CASCADE, related_name="joins")
    values = models.JSONField(default=dict, help_text="Argument name -> value.")
    parents = models.JSONField(default=list, help_text="Ids of the calls that delivered.")
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()

    class Meta:
        db_table = "join"
        constraints = [models.UniqueConstraint(fields=["tracking", "target"], name="join_per_run_and_target")]
        indexes = [
            # The sweeper finds expired joins.
            models.Index(fields=["expires"], name="join_expires_idx"),
        ]
