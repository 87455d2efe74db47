"""Deploy a flow version: make the network's sockets, queues and plugs match its document.

Each socket node becomes a socket (queue named after the socket) on an existing processor;
each edge becomes a plug named ``<flow>:<edge id>``. An edge whose queue has a name gets
that queue, shaped by the edge's settings (type, durable, TTL, max length, expiry), and
its deliveries travel there; an edge with no queue name rides its target socket's queue,
whose settings stay the socket's (set them with the API or ``flow update queue``). Plugs
this flow deployed before and the document no longer has are removed. Every object reports
create, update or unchanged, or the error that stopped it; one object's error does not stop
the others.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from apps.core.errors import BadRequest, PlatformError
from apps.core.services import object_create, object_update
from apps.flows.models import Flow, Version
from apps.network.models import Queue, QueueType
from apps.processors.models import Plug, Processor, Socket
from apps.processors.services import (
    plug_create,
    plug_delete,
    plug_update,
    socket_create,
    socket_update,
)

PROCESSOR_SETTINGS = ("concurrency", "hostname", "retries", "timelimit", "ratelimit")
QUEUE_LIMITS = ("message_ttl", "max_length", "expires")


def _outcome(kind: str, name: str, action: str = "unchanged", error: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "name": name, "action": action, "ok": error is None, **({"error": error} if error else {})}


def _error_text(error: Exception) -> str:
    if isinstance(error, PlatformError):
        return f"{error.message} {error.detail}" if error.detail else error.message
    if isinstance(error, DjangoValidationError):
        return " ".join(error.messages)
    return str(error)


def _upsert(kind: str, name: str, current, fields: dict, create, update) -> tuple[Any, dict]:
    if current is None:
        return create(fields), _outcome(kind, name, "create")
    changed = {k: v for k, v in fields.items() if getattr(current, k, None) != v}
    if not changed:
        return current, _outcome(kind, name)
    return update(current, changed), _outcome(kind, name, "update")


def _socket(node: dict, *, by) -> tuple[Socket, list[dict]]:
    data = node.get("data") or {}
    name, settings = data.get("socketName") or "", data.get("settings") or {}
    processor = Processor.objects.filter(name=data.get("processor")).first()
    if not name or processor is None:
        raise BadRequest(f"Processor '{data.get('processor')}' does not exist; create it first.")
    outcomes = []
    processor_fields = {k: settings[k] for k in PROCESSOR_SETTINGS if settings.get(k) not in (None, "")}
    changed = {k: v for k, v in processor_fields.items() if getattr(processor, k) != v}
    if changed:
        object_update(instance=processor, by=by, fields=changed, audit=True)
        outcomes.append(_outcome("processor", processor.name, "update"))
    queue, created = Queue.objects.get_or_create(name=name)
    if created:
        outcomes.append(_outcome("queue", name, "create"))
    fields = {"processor": processor, "task": data.get("task"), "queue": queue,
              "interval": settings.get("interval") or None, "cron": settings.get("cron") or ""}
    if fields["interval"] or fields["cron"]:
        fields["schedule_type"] = "INTERVAL" if fields["interval"] else "CRON"
    current = Socket.objects.select_related("task").filter(name=name).first()
    if current is not None and current.task.name == fields["task"]:
        fields.pop("task")
    socket, outcome = _upsert("socket", name, current, fields,
                              lambda f: socket_create(by=by, fields={"name": name, **f}),
                              lambda s, f: socket_update(socket=s, by=by, fields=f))
    return socket, [*outcomes, outcome]


def _queue_fields(settings: dict) -> dict[str, Any]:
    """An edge's queue settings, checked (a version's document is the user's input)."""
    fields: dict[str, Any] = {}
    for key in QUEUE_LIMITS:
        value = settings.get(key, -1)
        if isinstance(value, bool) or not isinstance(value, int) or value < -1:
            raise BadRequest(f"The queue's {key} must be a whole number, -1 (none) or more; it is {value!r}.")
        fields[key] = value
    fields["qtype"] = settings.get("qtype", QueueType.DIRECT)
    if fields["qtype"] not in QueueType.values:
        raise BadRequest(f"The queue's type must be one of {', '.join(QueueType.values)}.")
    fields["durable"] = settings.get("durable", True)
    if not isinstance(fields["durable"], bool):
        raise BadRequest("The queue's durable setting must be true or false.")
    return fields


def _plug_queue(settings: dict, *, target: Socket, by) -> tuple[Queue, list[dict]]:
    """The queue an edge's plug delivers on: its own (named, shaped by the edge), or its
    target's when it names none."""
    name = settings.get("name") or ""
    if not name or name == target.queue.name:
        return target.queue, []
    if not isinstance(name, str) or len(name) > 200:
        raise BadRequest("The plug's queue name must be text of at most 200 characters.")
    fields = _queue_fields(settings)
    queue, outcome = _upsert("queue", name, Queue.objects.filter(name=name).first(), fields,
                             lambda f: object_create(model=Queue, by=by, fields={"name": name, **f}, audit=True),
                             lambda q, f: object_update(instance=q, by=by, fields=f, audit=True))
    return queue, [outcome] if outcome["action"] != "unchanged" else []


def _plug(edge: dict, *, flow: Flow, sockets: dict[str, Socket], by) -> list[dict]:
    name = f"{flow.name}:{edge.get('id')}"
    source, target = sockets.get(edge.get("source", "")), sockets.get(edge.get("target", ""))
    if source is None or target is None:
        raise BadRequest("The plug joins a node that was not deployed.")
    handle = edge.get("targetHandle") or "in"
    queue_settings = (edge.get("data") or {}).get("queue") or {}
    if not isinstance(queue_settings, dict):
        raise BadRequest("The plug's queue settings must be an object.")
    queue, outcomes = _plug_queue(queue_settings, target=target, by=by)
    fields: dict[str, Any] = {"source": source, "target": target, "queue": queue,
                              "type": "ERROR" if edge.get("sourceHandle") == "error" else "RESULT"}
    argument = handle[4:] if handle.startswith("arg:") else None
    current = Plug.objects.select_related("argument").filter(name=name).first()
    if current is None or (current.argument.name if current.argument else None) != argument:
        fields["argument"] = argument
    _, outcome = _upsert("plug", name, current, fields,
                         lambda f: plug_create(by=by, fields={"name": name, **f}),
                         lambda p, f: plug_update(plug=p, by=by, fields=f))
    return [*outcomes, outcome]


def _guarded(work, kind: str, name: str) -> tuple[Any, list[dict]]:
    try:
        with transaction.atomic():
            return work()
    except (PlatformError, ValueError, DjangoValidationError) as error:
        return None, [_outcome(kind, name, error=_error_text(error))]


def flow_deploy(*, flow: Flow, version: Version, by) -> list[dict[str, Any]]:
    """Apply ``version`` to the network; returns one outcome per object."""
    document = version.document if isinstance(version.document, dict) else {}
    outcomes: list[dict] = []
    sockets: dict[str, Socket] = {}
    for node in document.get("nodes", []):
        if node.get("type") != "socket":
            continue
        name = (node.get("data") or {}).get("socketName", "?")
        socket, results = _guarded(lambda node=node: _socket(node, by=by), "socket", name)
        outcomes += results
        if socket is not None:
            sockets[node.get("id")] = socket
            flow.processors.add(socket.processor)
    wanted = set()
    for edge in document.get("edges", []):
        name = f"{flow.name}:{edge.get('id')}"
        wanted.add(name)
        _, results = _guarded(lambda edge=edge: (None, _plug(edge, flow=flow, sockets=sockets, by=by)),
                              "plug", name)
        outcomes += results
    stale = Plug.objects.filter(name__startswith=f"{flow.name}:").exclude(name__in=wanted)
    for plug in stale.select_related("target"):
        outcomes.append(_outcome("plug", plug.name, "delete"))
        plug_delete(plug=plug, by=by)
    Flow.objects.filter(pk=flow.pk).update(deployed_version=version)
    return outcomes
