"""Reads about calls: provenance (tree, graph, run) and lineage with a depth bound."""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.calls.models import Call, CallState
from apps.core.models import Status
from apps.network.models import Node
from apps.processors.models import Processor

MAX_NODES = 5000


def header_counts() -> dict[str, int]:
    """The counters every page's header and the live ``counters`` topic show: nodes up,
    processors running, calls running, calls failed in the last minute. Here, the lowest app
    that sees all three, so the pages (web) and the live views (live) share one reader."""
    minute_ago = timezone.now() - timedelta(minutes=1)
    return {
        "nodes_up": Node.objects.filter(status=Status.UP).count(),
        "processors_running": Processor.objects.filter(status=Status.RUNNING).count(),
        "calls_running": Call.objects.filter(state=CallState.RUNNING).count(),
        "failures_last_minute": Call.objects.filter(state=CallState.FAILED, finished__gte=minute_ago).count(),
    }


def call_version_label(call: Call) -> str | None:
    """The flow version the call ran under, e.g. "orders v3"; None when no deployed flow owned
    its socket. Reads the version and its flow unless they are selected with the call."""
    version = call.version
    return f"{version.flow.name} v{version.number}" if version is not None else None


def _node(call: Call) -> dict[str, Any]:
    return {
        "id": str(call.pk), "name": call.name, "state": call.state, "socket": call.socket.name,
        "processor": call.socket.processor.name, "parent": str(call.parent_id) if call.parent_id else None,
        "started": call.started, "finished": call.finished,
        "node": call.node.hostname if call.node else None,
        "agent": call.agent.name if call.agent else None,
        "worker": call.worker.name if call.worker else None, "commit": call.commit,
    }


def _calls():
    return Call.objects.select_related("socket__processor", "node", "agent", "worker")


def call_tree(*, call: Call, depth: int = 50, from_root: bool = False) -> dict[str, Any]:
    """The forward tree from ``call``: its children, their children... (bounded). With
    ``from_root``, from the first call of its run that it descends from, so the tree shows
    what came upstream of it too (the call drawer marks ``call`` in it)."""
    run = list(_calls().filter(tracking=call.tracking)[:MAX_NODES])
    children: dict[Any, list[Call]] = {}
    for item in run:
        children.setdefault(item.parent_id, []).append(item)
    if from_root:
        by_id = {item.pk: item for item in run}
        for _ in range(depth):
            parent = by_id.get(call.parent_id)
            if parent is None:
                break
            call = parent

    def build(node: Call, level: int) -> dict[str, Any]:
        entry = _node(node)
        kids = sorted(children.get(node.pk, []), key=lambda c: c.created) if level < depth else []
        entry["children"] = [build(kid, level + 1) for kid in kids]
        return entry

    return build(call, 0)


def call_graph(*, call: Call) -> dict[str, Any]:
    """Every call of the run and the edges between them (value flowed from -> to)."""
    run = list(_calls().filter(tracking=call.tracking).order_by("created")[:MAX_NODES])
    ids = [c.pk for c in run]
    edges = Call.inputs.through.objects.filter(to_call_id__in=ids).values_list("to_call_id", "from_call_id")
    roots = [c for c in run if c.parent_id is None]
    return {
        "run": str(call.tracking),
        "roots": [str(c.pk) for c in roots],
        "nodes": [_node(c) for c in run],
        "edges": [{"from": str(source), "to": str(target)} for source, target in edges],
    }


def call_lineage(*, call: Call, direction: str, depth: int = 10) -> dict[str, Any]:
    """Calls upstream (what contributed) or downstream (what it affected), up to ``depth`` hops,
    with the sockets, processors and agents involved."""
    if direction not in {"upstream", "downstream"}:
        raise ValueError("direction must be upstream or downstream")
    related = "inputs" if direction == "upstream" else "consumers"
    seen: dict[Any, tuple[Call, int]] = {}
    queue = deque([(call, 0)])
    while queue and len(seen) < MAX_NODES:
        current, level = queue.popleft()
        if level >= depth:
            continue
        for neighbour in getattr(current, related).select_related("socket__processor", "node", "agent", "worker"):
            if neighbour.pk not in seen and neighbour.pk != call.pk:
                seen[neighbour.pk] = (neighbour, level + 1)
                queue.append((neighbour, level + 1))
    calls = [dict(_node(c), depth=d) for c, d in seen.values()]
    return {
        "call": str(call.pk), "direction": direction, "depth": depth, "calls": calls,
        "sockets": sorted({c["socket"] for c in calls}),
        "processors": sorted({c["processor"] for c in calls}),
        "agents": sorted({c["agent"] for c in calls if c["agent"]}),
    }


def calls_recent(*, processor, limit: int = 25):
    """The newest calls of a processor's sockets."""
    return Call.objects.filter(socket__processor=processor).select_related("socket").order_by("-created")[:limit]
