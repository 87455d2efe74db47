"""Workflows from the client API (pipeline, parallel, funnel) as Celery canvas.

A workflow is a JSON tree:
    {"call": SOCKET_NAME, "args": [...], "kwargs": {...}}
    {"pipeline": [node, ...]}          each step gets the previous step's result first
    {"parallel": [node, ...]}          results as a list
    {"funnel": [node, ...], "then": node}   the parallel results go to ``then``
Every call is recorded up front in one run (tracking id) with the calls that feed it, then
the tree becomes a Celery chain / group / chord of ``elasticcode.call`` signatures routed
to each socket's queue. Workers pass results along the canvas; each call still records
its own state, log and result.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from celery import chain, chord, group
from celery.canvas import Signature
from django.db import transaction

from apps.calls.models import Call
from apps.core.errors import BadRequest
from apps.engine.dispatch import arguments_validate, call_record
from apps.engine.queues import TASK_NAME, kombu_queue
from apps.processors.models import Socket
from flowsite.celery import app as celery_app

MAX_CALLS = 1000
MAX_DEPTH = 20
RESULT_KEY = "elasticcode:run:{}"
COLLECT_TASK = "elasticcode.collect"


@dataclass
class Compiled:
    signature: Signature
    first: list[Call]
    last: list[Call]


@dataclass
class Builder:
    by: Any
    tracking: uuid.UUID = field(default_factory=uuid.uuid4)
    calls: list[Call] = field(default_factory=list)
    sockets: dict[str, Socket] = field(default_factory=dict)

    def socket(self, name: Any) -> Socket:
        if not isinstance(name, str) or not name:
            raise BadRequest("The workflow is not valid.", detail={"call": ["A socket name is required."]})
        if name not in self.sockets:
            found = Socket.objects.select_related("queue", "processor", "task").filter(name=name).first()
            if found is None:
                raise BadRequest(f"No socket named '{name}'.", detail={"call": [f"Unknown socket '{name}'."]})
            self.sockets[name] = found
        return self.sockets[name]


def workflow_start(*, tree: Any, by) -> tuple[uuid.UUID, list[Call]]:
    """Record every call of the workflow and send it; returns the run id and its calls."""
    builder = Builder(by=by)
    with transaction.atomic():
        compiled = _compile(tree, builder, inputs=[], depth=0)
        signature = compiled.signature
        transaction.on_commit(lambda: _send(signature, builder.tracking))
    return builder.tracking, builder.calls


def _send(signature: Signature, tracking: uuid.UUID) -> None:
    result = signature.apply_async()
    celery_app.backend.client.set(RESULT_KEY.format(tracking), result.id, ex=7 * 24 * 3600)


def workflow_result(*, tracking: uuid.UUID) -> dict[str, Any]:
    """{"state": pending|finished|failed, "result"?, "error"?} of a run started by the client."""
    result_id = celery_app.backend.client.get(RESULT_KEY.format(tracking))
    if result_id is None:
        return {"state": "unknown"}
    result = celery_app.AsyncResult(result_id.decode())
    if result.successful():
        return {"state": "finished", "result": result.result}
    if result.failed():
        return {"state": "failed", "error": str(result.result)}
    return {"state": "pending"}


def _compile(node: Any, builder: Builder, *, inputs: list[Call], depth: int) -> Compiled:
    if depth > MAX_DEPTH:
        raise BadRequest(f"The workflow nests deeper than {MAX_DEPTH} levels.")
    if not isinstance(node, dict) or len(set(node) & {"call", "pipeline", "parallel", "funnel"}) != 1:
        raise BadRequest("The workflow is not valid: each node is one of call, pipeline, parallel, funnel.")
    if "call" in node:
        return _compile_call(node, builder, inputs=inputs)
    kind = next(k for k in ("pipeline", "parallel", "funnel") if k in node)
    items = node[kind]
    if not isinstance(items, list) or not items:
        raise BadRequest(f"The workflow is not valid: {kind} needs a non-empty list.")
    if kind == "pipeline":
        return _compile_pipeline(items, builder, inputs=inputs, depth=depth)
    parts = [_compile(item, builder, inputs=inputs, depth=depth + 1) for item in items]
    body = group([_nested(p) for p in parts])
    first = [c for p in parts for c in p.first]
    last = [c for p in parts for c in p.last]
    if kind == "funnel" and node.get("then") is not None:
        then = _compile(node["then"], builder, inputs=last, depth=depth + 1)
        return Compiled(signature=chord(body, then.signature), first=first, last=then.last)
    return Compiled(signature=body, first=first, last=last)


def _nested(part: Compiled) -> Signature:
    """Celery flattens a group inside a group; a chord that collects it keeps the nesting."""
    if not isinstance(part.signature, group):
        return part.signature
    queue = kombu_queue(socket=part.last[-1].socket)
    collect = celery_app.signature(COLLECT_TASK, options={"queue": queue.name, "routing_key": queue.routing_key})
    return chord(part.signature, collect)


def _compile_pipeline(items: list, builder: Builder, *, inputs: list[Call], depth: int) -> Compiled:
    steps, feeding = [], inputs
    for item in items:
        step = _compile(item, builder, inputs=feeding, depth=depth + 1)
        steps.append(step)
        feeding = step.last
    return Compiled(signature=chain(*[s.signature for s in steps]), first=steps[0].first, last=steps[-1].last)


def _compile_call(node: dict, builder: Builder, *, inputs: list[Call]) -> Compiled:
    if len(builder.calls) >= MAX_CALLS:
        raise BadRequest(f"The workflow has more than {MAX_CALLS} calls.")
    socket = builder.socket(node.get("call"))
    arguments = arguments_validate(args=node.get("args", []), kwargs=node.get("kwargs", {}))
    call = call_record(socket=socket, arguments=arguments, by=builder.by, tracking=builder.tracking,
                       parent=inputs[0] if inputs else None, inputs=[c.pk for c in inputs],
                       note=f"Queued for {socket.name} (workflow)", generation=None)
    builder.calls.append(call)
    queue = kombu_queue(socket=socket)
    # Options travel inside the canvas message, so they name the queue; registering the
    # declaration keeps its broker arguments (TTL, max length) when Celery declares it.
    if queue.name not in celery_app.amqp.queues:
        celery_app.amqp.queues.add(queue)
    signature = celery_app.signature(
        TASK_NAME, kwargs={"call_id": str(call.pk), "workflow": True},
        options={"queue": queue.name, "routing_key": queue.routing_key, "task_id": str(call.pk),
                 "ignore_result": False},
    )
    return Compiled(signature=signature, first=[call], last=[call])
