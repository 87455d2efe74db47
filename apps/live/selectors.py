"""Reads for the dashboards: call rows and details, per-processor throughput, latency and
failures, user metric series, node health and queue depths. Series are downsampled at read
time: a window of any length comes back in at most ``points`` buckets."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, FloatField, Func, Max, Min
from django.db.models.functions import Floor
from django.utils import timezone

from apps.calls.models import Call, CallState, Event, MetricSample
from apps.calls.selectors import call_tree, call_version_label
from apps.engine.monitor.health import broker_health
from apps.network.models import Node, Queue
from apps.network.selectors import queuelog_latest

NODE_HEARTBEAT_SECONDS = 90
MAX_STATS_ROWS = 100_000


def call_row(call: Call) -> dict[str, Any]:
    """A call as the live table shows it (the same fields a call event carries)."""
    duration = (call.finished - call.started).total_seconds() * 1000 if call.started and call.finished else None
    return {
        "call": str(call.pk), "name": call.name, "state": call.state, "run": str(call.tracking),
        "socket": call.socket.name, "processor": call.socket.processor.name, "queue": call.socket.queue.name,
        "created": call.created, "started": call.started, "finished": call.finished,
        "duration_ms": round(duration, 3) if duration is not None else None,
        "node": call.node.hostname if call.node else None,
    }


def call_rows(*, processor: str = "", socket: str = "", state: str = "", run: str = ""):
    """Calls newest first, filtered; a queryset (paginated by the caller)."""
    calls = Call.objects.select_related("socket__processor", "socket__queue", "node").order_by("-created")
    if processor:
        calls = calls.filter(socket__processor__name=processor)
    if socket:
        calls = calls.filter(socket__name=socket)
    if state:
        calls = calls.filter(state=state)
    if run:
        calls = calls.filter(tracking=run)
    return calls


def call_detail(*, call: Call) -> dict[str, Any]:
    """Everything the call drawer shows: row, timeline, input, output, log, provenance."""
    events = Event.objects.filter(call=call).order_by("created").values("name", "note", "data", "created")
    return {
        **call_row(call), "arguments": call.arguments, "result": call.result, "error": call.error,
        "log": call.log, "commit": call.commit, "attempts": call.attempts, "events": list(events),
        "version": call_version_label(call),
        "tree": call_tree(call=call, depth=20, from_root=True),
    }


def _bucket_seconds(window: int, points: int) -> int:
    return max(1, math.ceil(window / max(1, points)))


def _percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))
    return round(sorted_values[index], 3)


def processor_stats(*, window: int = 900, points: int = 90, processor: str = "") -> dict[str, Any]:
    """Per processor and per socket: calls per second, latency p50 and p95 (ms), failures,
    in buckets over the last ``window`` seconds of finished calls."""
    now = timezone.now()
    bucket = _bucket_seconds(window, points)
    since = now - timedelta(seconds=window)
    calls = Call.objects.filter(finished__gte=since, state__in=[CallState.FINISHED, CallState.FAILED])
    if processor:
        calls = calls.filter(socket__processor__name=processor)
    rows = calls.values_list("socket__processor__name", "socket__name", "state", "started", "finished")
    groups: dict[tuple[str, str], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for proc, sock, state, started, finished in rows[:MAX_STATS_ROWS]:
        if finished is None:  # excluded by finished__gte; the row type allows it
            continue
        slot = int(finished.timestamp() // bucket)  # aligned to the epoch, so live buckets line up
        duration = (finished - started).total_seconds() * 1000 if started else None
        for key in ((proc, ""), (proc, sock)):
            groups[key][slot].append((state, duration))
    series = [_series(proc, sock, slots, bucket=bucket) for (proc, sock), slots in groups.items()]
    return {"since": since, "until": now, "bucket": bucket,
            "series": sorted(series, key=lambda s: (s["processor"], s["socket"]))}


def _series(processor: str, socket: str, slots: dict[int, list], *, bucket: int) -> dict[str, Any]:
    points = []
    for slot in sorted(slots):
        samples = slots[slot]
        durations = sorted(d for _state, d in samples if d is not None)
        failures = sum(1 for state, _d in samples if state == CallState.FAILED)
        points.append({
            "t": slot * bucket, "calls": len(samples),
            "rate": round(len(samples) / bucket, 3), "failures": failures,
            "p50": _percentile(durations, 0.5), "p95": _percentile(durations, 0.95),
        })
    return {"processor": processor, "socket": socket, "points": points}


def metric_series(*, processor: str = "", name: str = "", window: int = 3600, points: int = 120) -> dict[str, Any]:
    """User metric samples (a function's ``graph`` values), averaged per bucket."""
    bucket = _bucket_seconds(window, points)
    since = timezone.now() - timedelta(seconds=window)
    samples = MetricSample.objects.filter(created__gte=since)
    if processor:
        samples = samples.filter(processor__name=processor)
    if name:
        samples = samples.filter(name=name)
    epoch = since.timestamp()
    rows = (
        samples.annotate(slot=Floor((Epoch("created") - epoch) / bucket))
        .values("processor__name", "name", "slot")
        .annotate(avg=Avg("value"), low=Min("value"), high=Max("value"), count=Count("id"))
        .order_by("processor__name", "name", "slot")
    )
    series: dict[tuple[str, str], list] = defaultdict(list)
    for row in rows:
        series[(row["processor__name"], row["name"])].append({
            "t": epoch + int(row["slot"]) * bucket, "avg": row["avg"], "min": row["low"], "max": row["high"],
            "count": row["count"],
        })
    return {"bucket": bucket, "series": [{"processor": p, "name": n, "points": pts} for (p, n), pts in series.items()]}


class Epoch(Func):
    """Seconds since 1970 of a datetime column, on PostgreSQL and SQLite."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "sqlite":
            return f"CAST(strftime('%%s', {sql}) AS REAL)", params
        return f"EXTRACT(EPOCH FROM {sql})", params


def node_health(*, now=None) -> list[dict[str, Any]]:
    """Each node with its last heartbeat's figures; ``up`` when it beat within 90 s."""
    now = now or timezone.now()
    nodes = []
    for node in Node.objects.order_by("hostname")[:500]:
        age = (now - node.heartbeat).total_seconds() if node.heartbeat else None
        nodes.append({
            "kind": "node", "name": node.name, "hostname": node.hostname, "status": node.status,
            "heartbeat": node.heartbeat, "age": round(age, 1) if age is not None else None,
            "up": age is not None and age <= NODE_HEARTBEAT_SECONDS, "cpus": node.cpus,
            "cpuload": node.cpuload, "loadavg": node.loadavg, "memused": node.memused, "diskusage": node.diskusage,
        })
    return nodes


def queue_depths() -> list[dict[str, Any]]:
    """Each queue row's figures from its newest monitor tick, summed over its broker queues
    (one per processor): messages ready, in flight, and consumers (zeros before any sample)."""
    queues = list(Queue.objects.order_by("name")[:500])
    totals: dict[Any, dict[str, Any]] = {
        queue.pk: {"kind": "queue", "name": queue.name, "ready": 0, "inflight": 0, "consumers": 0, "sampled": None}
        for queue in queues}
    for sample in queuelog_latest(queues=Queue.objects.filter(pk__in=totals)):
        row = totals[sample.queue_id]
        row["ready"] += sample.ready
        row["inflight"] += sample.inflight
        row["consumers"] += sample.consumers
        row["sampled"] = sample.created
    return [totals[queue.pk] for queue in queues]


def broker_state() -> dict[str, Any]:
    """The broker's health as a ``queues`` snapshot event: the Dashboard says while it is unreachable."""
    return {"kind": "broker", "name": "broker", **broker_health()}


OPEN_CALLS_SHOWN = 500
# The canvas's buckets of a call's state (frontend/src/live/overlay.ts BUCKETS); cancelled
# and expired calls are in none.
CALL_BUCKETS: dict[str, str] = {
    CallState.QUEUED: "queued", CallState.RECEIVED: "queued", CallState.RETRY: "queued",
    CallState.RUNNING: "running", CallState.FINISHED: "finished", CallState.FAILED: "failed",
}
OPEN_STATES = [state for state, bucket in CALL_BUCKETS.items() if bucket in ("queued", "running")]


def flow_counters(*, flow) -> dict:
    """What the canvas shows on a flow's socket nodes when it opens, in two queries: each of
    the flow's sockets' call counts by bucket and how its last call ended, and the ids of its
    open (queued, running) calls, newest first, so live events move them between buckets."""
    calls = Call.objects.filter(socket__flow_key=str(flow.pk))
    sockets: dict[str, dict] = {}
    ended_at: dict[str, Any] = {}
    for row in calls.values("socket__name", "state").annotate(n=Count("id"), latest=Max("created")):
        bucket, name = CALL_BUCKETS.get(row["state"]), row["socket__name"]
        if bucket is None:
            continue
        counts = sockets.setdefault(name, {"queued": 0, "running": 0, "finished": 0, "failed": 0, "last": None})
        counts[bucket] += row["n"]
        if bucket in ("finished", "failed") and (name not in ended_at or row["latest"] > ended_at[name]):
            counts["last"], ended_at[name] = bucket, row["latest"]
    open_calls = calls.filter(state__in=OPEN_STATES).order_by("-created").values_list("pk", "state")
    return {"sockets": sockets,
            "open": {str(pk): CALL_BUCKETS[state] for pk, state in open_calls[:OPEN_CALLS_SHOWN]}}
