"""Deploy a flow version: make the network's sockets, queues and plugs match its document.

Each socket node becomes a socket on an existing processor, with a queue of its own named
from the flow and the socket (``flow_queue_name``), so its broker queue is the flow's alone;
each edge becomes a plug named ``<flow>:<edge id>``. The sockets, plugs and socket queues a
flow's deploy creates are its own (``flow_key``, with the version deployed last): another
flow's deploy never adopts or changes them, and no socket outside the flow may use its
queues (apps.processors.flow_queues). A node naming a socket that lives elsewhere (another flow, or
made outside any flow) is an error unless its data says ``shared: true``; a shared node uses
that socket as it is (outcome ``shared``, with where it lives), and this flow's plugs may
join it. An edge whose queue has a name gets
that queue, shaped by the edge's settings (type, durable, TTL, max length, expiry), and
its deliveries travel there; an edge with no queue name rides its target socket's queue,
whose settings stay the socket's (set them with the API or ``flow update queue``). Plugs
this flow deployed before and the document no longer has are removed. Every object reports
create, update or unchanged, or the error that stopped it; one object's error does not stop
the others.

A deploy needs the rights of the changes it makes, as if made one by one through the API:
UPDATE_PROCESSOR for a processor's settings, ADD_QUEUE / UPDATE_QUEUE, ADD_SOCKET /
UPDATE_SOCKET, RUN_TASK for a new or changed schedule, ADD_PLUG / UPDATE_PLUG / DELETE_PLUG.
They are checked before the object is touched: a refused object reports the missing right
as its error and is left as it was.

Wires are typed (apps.flows.wires): a version holding a wire whose result can never be a
value its argument takes is refused whole, before anything is touched (400, one sentence per
such wire, the canvas's words). Whole, not per plug: deploying the rest would leave the
target waiting for an argument that never comes, or running without it. Wires the checker
cannot decide deploy, each with a warning.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from apps.accounts.permissions import right_require
from apps.accounts.rights import Right
from apps.core.errors import BadRequest, PlatformError
from apps.flows.models import Flow, Version
from apps.flows.wires import version_wires_judge
from apps.network.models import Queue, QueueType
from apps.network.services import queue_check, queue_create, queue_update
from apps.processors.models import Plug, Processor, Socket
from apps.processors.schedules import schedule_write_runs_tasks
from apps.processors.services import (
    plug_create,
    plug_delete,
    plug_update,
    processor_update,
    socket_create,
    socket_flow_version_set,
    socket_update,
)

PROCESSOR_SETTINGS = ("concurrency", "hostname", "retries", "timelimit", "ratelimit")
EDGE_QUEUE_LIMITS = ("message_ttl", "max_length", "expires")


def _outcome(kind: str, name: str, action: str = "unchanged", error: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "name": name, "action": action, "ok": error is None, **({"error": error} if error else {})}


def _error_text(error: Exception) -> str:
    if isinstance(error, PlatformError):
        return f"{error.message} {error.detail}" if error.detail else error.message
    if isinstance(error, DjangoValidationError):
        return " ".join(error.messages)
    return str(error)


def _changes(current, fields: dict) -> dict:
    return {k: v for k, v in fields.items() if getattr(current, k, None) != v}


def _upsert(kind: str, name: str, current, fields: dict, create, update) -> tuple[Any, dict]:
    if current is None:
        return create(fields), _outcome(kind, name, "create")
    changed = _changes(current, fields)
    if not changed:
        return current, _outcome(kind, name)
    return update(current, changed), _outcome(kind, name, "update")


def _require_write(by, kind: str, name: str, *, new: bool, changed: bool, add: str, update: str) -> None:
    """The API's right for creating the object (``new``) or changing it."""
    if new:
        right_require(by, add, to=f"create the {kind} '{name}'")
    elif changed:
        right_require(by, update, to=f"change the {kind} '{name}'")


def flow_queue_name(*, flow_key: str, socket: str) -> str:
    """The queue a flow's deploy makes for its socket ``socket``: ``<socket>@<the first 8
    characters of the flow's id>``, so its broker queue (``<queue>.<processor>``) is named from
    both. The canvas names it the same way (frontend/src/live/wires.ts, flowQueue)."""
    return f"{socket}@{flow_key[:8]}"


def _flow_queue(name: str, *, flow_key: str) -> Queue | None:
    """The flow's queue ``name`` for one of its sockets; None when it is still to be made."""
    queue = Queue.objects.filter(name=name).first()
    if queue is not None and queue.flow_key != flow_key:
        raise BadRequest(f"The queue name '{name}' is taken by a queue made outside this flow; "
                         "rename the node (or delete that queue).")
    return queue


def _socket_fields(data: dict, settings: dict, processor: Processor, current: Socket | None) -> dict:
    fields = {"processor": processor, "task": data.get("task"),
              "interval": settings.get("interval") or None, "cron": settings.get("cron") or ""}
    # A schedule on the canvas fires once deployed (the interval wins when both are set);
    # none there removes the socket's.
    fields["schedule_type"] = "INTERVAL" if fields["interval"] else "CRON" if fields["cron"] else ""
    fields["scheduled"] = bool(fields["schedule_type"])
    fields.update({key: settings[key] for key in ("missed_policy", "missed_max") if settings.get(key) is not None})
    if current is not None and current.task.name == fields["task"]:
        fields.pop("task")
    return fields


def _owner(obj: Socket | Plug) -> str:
    """The name of the flow a socket or plug lives in; empty when it was made outside any flow."""
    if not obj.flow_key:
        return ""
    return Flow.objects.filter(pk=obj.flow_key).values_list("name", flat=True).first() or "(deleted)"


def _belongs(obj: Socket | Plug) -> str:
    owner = _owner(obj)
    return f"belongs to flow '{owner}'" if owner else "was made outside any flow"


def _shared(name: str, current: Socket | None) -> tuple[Socket, list[dict]]:
    """A node marked shared uses the socket of that name as it is, wherever it lives."""
    if current is None:
        raise BadRequest(f"The shared socket '{name}' does not exist; deploy the flow it lives in first,"
                         " or clear 'shared' to create it in this flow.")
    owner = _owner(current)
    lives = f"lives in flow '{owner}'" if owner else "lives outside any flow"
    return current, [{**_outcome("socket", name, "shared"), "detail": lives}]


def _socket(node: dict, *, flow: Flow, version: Version, by) -> tuple[Socket, list[dict]]:
    data = node.get("data") or {}
    name, settings = data.get("socketName") or "", data.get("settings") or {}
    current = Socket.objects.select_related("task", "processor").filter(name=name).first()
    if name and data.get("shared") is True:
        return _shared(name, current)
    processor = Processor.objects.filter(name=data.get("processor")).first()
    if not name or processor is None:
        raise BadRequest(f"Processor '{data.get('processor')}' does not exist; create it first.")
    if current is not None and current.flow_key != str(flow.pk):
        raise BadRequest(f"Socket '{name}' {_belongs(current)}; rename the node or mark it as a shared socket.")
    socket, outcomes = _socket_write(name, data, settings, processor=processor, current=current,
                                     owner={"flow_key": str(flow.pk), "flow_version": version.pk}, by=by)
    if socket.flow_version != version.pk:
        socket_flow_version_set(socket=socket, flow_version=version.pk)
    return socket, outcomes


def _socket_write(name: str, data: dict, settings: dict, *, processor: Processor, current: Socket | None,
                  owner: dict, by) -> tuple[Socket, list[dict]]:
    """Create or update this flow's socket ``name`` (with its queue and processor settings)."""
    processor_fields = {k: settings[k] for k in PROCESSOR_SETTINGS if settings.get(k) not in (None, "")}
    changed = _changes(processor, processor_fields)
    queue_name = flow_queue_name(flow_key=owner["flow_key"], socket=name)
    queue = current.queue if current is not None else _flow_queue(queue_name, flow_key=owner["flow_key"])
    fields = _socket_fields(data, settings, processor, current)
    # Every right first, so a refused socket changes nothing.
    if changed:
        right_require(by, Right.UPDATE_PROCESSOR,
                      to=f"change the processor '{processor.name}' ({', '.join(sorted(changed))})")
    if queue is None:
        right_require(by, Right.ADD_QUEUE, to=f"create the queue '{queue_name}'")
    _require_write(by, "socket", name, new=current is None, add=Right.ADD_SOCKET, update=Right.UPDATE_SOCKET,
                   changed=queue is None or bool(_changes(current, {**fields, "queue": queue})))
    if schedule_write_runs_tasks(socket=current, fields=fields):
        right_require(by, Right.RUN_TASK, to=f"schedule the socket '{name}'")
    outcomes = []
    if changed:
        processor_update(processor=processor, by=by, fields=changed)
        outcomes.append(_outcome("processor", processor.name, "update"))
    if queue is None:
        queue = queue_create(by=by, fields={"name": queue_name, "flow_key": owner["flow_key"]})
        outcomes.append(_outcome("queue", queue_name, "create"))
    socket, outcome = _upsert("socket", name, current, {**fields, "queue": queue},
                              lambda f: socket_create(by=by, fields={"name": name, **owner, **f}),
                              lambda s, f: socket_update(socket=s, by=by, fields=f))
    return socket, [*outcomes, outcome]


def _queue_fields(settings: dict) -> dict[str, Any]:
    """An edge's queue settings, checked by the network's rules (a version's document is
    the user's input)."""
    fields: dict[str, Any] = {key: settings.get(key, -1) for key in EDGE_QUEUE_LIMITS}
    fields["qtype"] = settings.get("qtype", QueueType.DIRECT)
    fields["durable"] = settings.get("durable", True)
    queue_check(fields=fields)
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
    current = Queue.objects.filter(name=name).first()
    _require_write(by, "queue", name, new=current is None, changed=bool(current and _changes(current, fields)),
                   add=Right.ADD_QUEUE, update=Right.UPDATE_QUEUE)
    queue, outcome = _upsert("queue", name, current, fields,
                             lambda f: queue_create(by=by, fields={"name": name, **f}),
                             lambda q, f: queue_update(queue=q, by=by, fields=f))
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
    fields: dict[str, Any] = {"source": source, "target": target,
                              "type": "ERROR" if edge.get("sourceHandle") == "error" else "RESULT"}
    argument = handle[4:] if handle.startswith("arg:") else None
    current = Plug.objects.select_related("argument", "queue").filter(name=name).first()
    if current is not None and current.flow_key != str(flow.pk):
        raise BadRequest(f"The plug name '{name}' is taken: that plug {_belongs(current)}; give the edge another id.")
    if current is None or (current.argument.name if current.argument else None) != argument:
        fields["argument"] = argument
    queue_name = queue_settings.get("name") or target.queue.name
    _require_write(by, "plug", name, new=current is None, add=Right.ADD_PLUG, update=Right.UPDATE_PLUG,
                   changed=bool(current and ("argument" in fields or _changes(current, fields)
                                             or current.queue.name != queue_name)))
    queue, outcomes = _plug_queue(queue_settings, target=target, by=by)
    fields["queue"] = queue
    _, outcome = _upsert("plug", name, current, fields,
                         lambda f: plug_create(by=by, fields={"name": name, "flow_key": str(flow.pk), **f}),
                         lambda p, f: plug_update(plug=p, by=by, fields=f))
    return [*outcomes, outcome]


def _plug_remove(plug: Plug, *, by) -> tuple[None, list[dict]]:
    right_require(by, Right.DELETE_PLUG, to=f"delete the plug '{plug.name}'")
    plug_delete(plug=plug, by=by)
    return None, [_outcome("plug", plug.name, "delete")]


def _guarded(work, kind: str, name: str) -> tuple[Any, list[dict]]:
    try:
        with transaction.atomic():
            return work()
    except (PlatformError, ValueError, DjangoValidationError) as error:
        return None, [_outcome(kind, name, error=_error_text(error))]


def flow_deploy(*, flow: Flow, version: Version, by) -> list[dict[str, Any]]:
    """Apply ``version`` to the network; returns one outcome per object (a plug whose types
    the checker could not decide carries the ``warning``).

    Raises BadRequest, changing nothing, when a wire's types do not match."""
    document = version.document if isinstance(version.document, dict) else {}
    wires = version_wires_judge(document)
    if wires.refused:
        raise BadRequest(" ".join([*wires.refused, "Nothing was deployed: plug those wires into arguments "
                                   "of a matching type, or change the annotations."]),
                         detail={"wires": wires.refused})
    outcomes: list[dict] = []
    sockets: dict[str, Socket] = {}
    for node in document.get("nodes", []):
        if node.get("type") != "socket":
            continue
        name = (node.get("data") or {}).get("socketName", "?")
        socket, results = _guarded(lambda node=node: _socket(node, flow=flow, version=version, by=by),
                                    "socket", name)
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
        warning = wires.warnings.get(str(edge.get("id")))
        outcomes += [{**r, "warning": warning} if warning and r["name"] == name else r for r in results]
    stale = Plug.objects.filter(flow_key=str(flow.pk)).exclude(name__in=wanted)
    for plug in stale.select_related("target"):
        _, results = _guarded(lambda plug=plug: _plug_remove(plug, by=by), "plug", plug.name)
        outcomes += results
    Flow.objects.filter(pk=flow.pk).update(deployed_version=version)
    return outcomes
