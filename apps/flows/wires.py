"""The typed wires of a flow version: each edge's two ends judged by the wire checker.

Types come from the mounted functions (Task.returns, Argument.annotation), never from the
document's copy of them, which is the user's input. A function that takes ``plugs`` may
send any value on a wire, so its result is untyped. A wire into the socket itself feeds
the function's first argument (apps.engine.routing delivers the value as ``args[0]``).
A node whose function is not mounted, or an argument that does not exist, is left to the
deploy to report.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.processors.models import Argument, ArgumentKind, Socket, Task
from apps.processors.wire_types import WireEnds, wire_judge


@dataclass(frozen=True)
class WireVerdicts:
    refused: list[str]
    warnings: dict[str, str]  # by edge id


def result_annotation(task: Task) -> str:
    """The annotation of a task's result output (empty, i.e. Any, when it takes ``plugs``)."""
    return "" if task.accepts_plugs else task.returns


def _node_task(data: dict) -> Task | None:
    if data.get("shared") is True:
        socket = Socket.objects.select_related("task").filter(name=data.get("socketName") or "").first()
        return socket.task if socket else None
    return Task.objects.filter(processor__name=data.get("processor") or "", name=data.get("task") or "").first()


def _target(task: Task, handle: str) -> tuple[Argument | None, bool]:
    """The argument a target handle feeds, and whether it is the whole socket's first argument."""
    arguments = sorted(task.arguments.all(), key=lambda argument: argument.position)
    if handle.startswith("arg:"):
        return next((a for a in arguments if a.name == handle[4:]), None), False
    # The canvas knows only the ** of a keyword dict, so both skip just that one.
    return next((a for a in arguments if a.kind != ArgumentKind.VAR_KEYWORD), None), True


def version_wires_judge(document: dict) -> WireVerdicts:
    """The sentences of the wires that can never carry a value their argument takes (refused)
    and of those the checker cannot decide (warnings), in the canvas's words."""
    tasks: dict[str, tuple[str, Task | None]] = {}
    for node in document.get("nodes") or []:
        if isinstance(node, dict) and node.get("type") == "socket" and isinstance(node.get("data"), dict):
            tasks[str(node.get("id"))] = (node["data"].get("socketName") or "?", _node_task(node["data"]))
    refused: list[str] = []
    warnings: dict[str, str] = {}
    for edge in document.get("edges") or []:
        if not isinstance(edge, dict):
            continue
        (source_name, source), (target_name, target) = (tasks.get(str(edge.get("source")), ("", None)),
                                                         tasks.get(str(edge.get("target")), ("", None)))
        if source is None or target is None:
            continue
        argument, whole = _target(target, str(edge.get("targetHandle") or "in"))
        if argument is None:
            continue
        verdict, message = wire_judge(WireEnds(
            source_socket=source_name, error=edge.get("sourceHandle") == "error",
            source_type=result_annotation(source), target_socket=target_name, argument=argument.name,
            target_type=argument.annotation, whole_socket=whole))
        if verdict == "refuse":
            refused.append(message)
        elif verdict == "warn":
            warnings[str(edge.get("id"))] = message
    return WireVerdicts(refused=refused, warnings=warnings)
