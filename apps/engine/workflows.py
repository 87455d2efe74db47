"""Workflows from the client API (pipeline, parallel, funnel), run on the path plugs take.

A workflow is a JSON tree:
    {"call": SOCKET_NAME, "args": [...], "kwargs": {...}}
    {"pipeline": [node, ...]}          each step gets the previous step's result first
    {"parallel": [node, ...]}          results as a list
    {"funnel": [node, ...], "then": node}   the parallel results go to ``then``
Every call is recorded up front in one run (tracking id) with the calls that feed it. The
entry calls are sent at once, as any source call (refused with QueueFull when their queue
is full). Every other call waits (state ``waiting``) in a ``Gather`` for the results it
takes first; each earlier call names the calls waiting for it (``Call.then``), and its
outcome, recorded by the worker like any other, delivers its result there in the same
transaction (``gathers_deliver``). The last result queues the step, which then travels
like a plug's delivery (held while its queue is full). So a workflow's steps are retried,
held and recorded exactly as plugged calls are. A failed step fails the steps waiting for
it, with its error. A run's result is its root's template filled in (``workflow_result``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.calls.models import Call, CallState, Gather
from apps.core.errors import BadRequest
from apps.engine import sql
from apps.engine.dispatch import Queued, arguments_validate, call_row, calls_insert, downstream_send, send_source
from apps.engine.events import redis_client
from apps.engine.pressure import room_check
from apps.engine.recording import CallRef, ending_write, event_add, failure
from apps.engine.topology import SocketSpec, topology, topology_held
from apps.processors.models import Socket

MAX_CALLS = 1000
MAX_DEPTH = 20
RUN_KEY = "elasticcode:run:{}"  # the run's result template (a tree of call ids), kept 7 days
RUN_TTL = 7 * 24 * 3600
_GATHER = sql.table(Gather).name
_CALL = sql.table(Call).name


@dataclass
class Builder:
    by: Any
    now: datetime = field(default_factory=timezone.now)
    tracking: uuid.UUID = field(default_factory=uuid.uuid4)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # call id -> row, in order
    specs: dict[str, SocketSpec] = field(default_factory=dict)  # call id -> its socket
    templates: dict[str, Any] = field(default_factory=dict)  # waiting call id -> what it takes

    def socket(self, name: Any) -> SocketSpec:
        if not isinstance(name, str) or not name:
            raise BadRequest("The workflow is not valid.", detail={"call": ["A socket name is required."]})
        found = Socket.objects.filter(name=name).values_list("pk", flat=True).first()
        spec = topology().socket(found) if found else None
        if spec is None:
            raise BadRequest(f"No socket named '{name}'.", detail={"call": [f"Unknown socket '{name}'."]})
        return spec


def workflow_start(*, tree: Any, by) -> tuple[uuid.UUID, list[dict[str, Any]]]:
    """Record every call of the workflow and send its entry calls; returns the run id and
    its calls (id, name, state)."""
    builder = Builder(by=by)
    root = _compile(tree, builder, feeds=None, depth=0)
    entries = [call_id for call_id in builder.rows if call_id not in builder.templates]
    for call_id in entries:
        room_check(destination=builder.specs[call_id].destination)
    rows = list(builder.rows.values())
    with transaction.atomic():
        calls_insert(rows=rows, inputs=[list(_ids(builder.templates.get(row["id"]))) for row in rows],
                     notes=[_note(row, builder) for row in rows], now=builder.now)
        sql.rows_insert(Gather, [{"call_id": call_id, "template": template, "values": {},
                                  "missing": len(set(_ids(template)))}
                                 for call_id, template in builder.templates.items()])
        for call_id in entries:
            transaction.on_commit(partial(send_source, _queued(builder.rows[call_id], builder.specs[call_id])))
        transaction.on_commit(partial(_remember, builder.tracking, root))
    return builder.tracking, [{"id": row["id"], "name": row["name"], "state": row["state"]} for row in rows]


def _note(row: dict[str, Any], builder: Builder) -> str:
    waiting = builder.templates.get(row["id"])
    if waiting is None:
        return f"Queued for {row['name']} (workflow)"
    return f"Waits for {len(set(_ids(waiting)))} earlier call(s) of the workflow"


def _remember(tracking: uuid.UUID, root: Any) -> None:
    redis_client().set(RUN_KEY.format(tracking), json.dumps(root), ex=RUN_TTL)


def _queued(row: dict[str, Any], spec: SocketSpec) -> Queued:
    return Queued(pk=row["id"], name=row["name"], tracking=row["tracking"], parent_id=row["parent_id"],
                  generation=row["generation"], socket=spec, destination=spec.destination)


def _compile(node: Any, builder: Builder, *, feeds: Any, depth: int) -> Any:
    """Record the node's calls; returns what it produces, as a template of call ids."""
    if depth > MAX_DEPTH:
        raise BadRequest(f"The workflow nests deeper than {MAX_DEPTH} levels.")
    if not isinstance(node, dict) or len(set(node) & {"call", "pipeline", "parallel", "funnel"}) != 1:
        raise BadRequest("The workflow is not valid: each node is one of call, pipeline, parallel, funnel.")
    if "call" in node:
        return _compile_call(node, builder, feeds=feeds)
    kind = next(k for k in ("pipeline", "parallel", "funnel") if k in node)
    items = node[kind]
    if not isinstance(items, list) or not items:
        raise BadRequest(f"The workflow is not valid: {kind} needs a non-empty list.")
    if kind == "pipeline":
        for item in items:
            feeds = _compile(item, builder, feeds=feeds, depth=depth + 1)
        return feeds
    results = [_compile(item, builder, feeds=feeds, depth=depth + 1) for item in items]
    if kind == "funnel" and node.get("then") is not None:
        return _compile(node["then"], builder, feeds=results, depth=depth + 1)
    return results


def _compile_call(node: dict, builder: Builder, *, feeds: Any) -> str:
    if len(builder.rows) >= MAX_CALLS:
        raise BadRequest(f"The workflow has more than {MAX_CALLS} calls.")
    spec = builder.socket(node.get("call"))
    arguments = arguments_validate(args=node.get("args", []), kwargs=node.get("kwargs", {}))
    sources = list(dict.fromkeys(_ids(feeds)))
    owner = builder.by.pk if getattr(builder.by, "is_authenticated", False) else None
    row = call_row(spec=spec, arguments=arguments, tracking=builder.tracking,
                   parent_id=sources[0] if sources else None, hops=0, owner_id=owner,
                   queue=spec.destination.name, now=builder.now)
    call_id = row["id"] = str(row["id"])
    if feeds is not None:
        row["state"] = CallState.WAITING
        builder.templates[call_id] = feeds
        for source in sources:
            builder.rows[source]["then"] = [*builder.rows[source].get("then", []), call_id]
    builder.rows[call_id], builder.specs[call_id] = row, spec
    return call_id


def _ids(template: Any):
    """The call ids of a template, depth first."""
    if isinstance(template, list):
        for item in template:
            yield from _ids(item)
    elif template is not None:
        yield template


def _filled(template: Any, values: dict[str, Any]) -> Any:
    return [_filled(item, values) for item in template] if isinstance(template, list) else values[template]


def gathers_deliver(*, call: CallRef, then: list[str], ok: bool, value: Any) -> None:
    """In the transaction recording ``call``'s outcome: give its result to each step waiting
    for it (``then``), queueing those that now have every input; or, when it failed, fail
    them and every step waiting for them, with its error."""
    if not ok:
        _gathers_fail(call=call, then=then, error=str(value.get("error") if isinstance(value, dict) else value))
        return
    released = []
    for waiting_id in then:
        row = sql.fetch_one(f"SELECT g.template, g.{_quote('values')}, g.missing FROM {_GATHER} AS g "
                            f"WHERE g.call_id = %s{sql.for_update()}", [waiting_id], model=Gather,
                            names=("template", "values", "missing"))
        if row is None:
            continue  # it failed or was cancelled meanwhile
        values = {**row["values"], str(call.pk): value}
        if row["missing"] > 1:
            sql.execute(f"UPDATE {_GATHER} SET {_quote('values')} = %s, missing = %s WHERE call_id = %s",
                        [*sql.prepared(Gather, {"values": values}).values(), row["missing"] - 1, waiting_id])
            continue
        sql.execute(f"DELETE FROM {_GATHER} WHERE call_id = %s", [waiting_id])
        queued = _release(call_id=waiting_id, first=_filled(row["template"], values))
        if queued is not None:
            released.append(queued)
    if released:
        downstream_send(released)


def _release(*, call_id: str, first: Any) -> Queued | None:
    """Queue a waiting step with ``first`` before its own arguments; one whose input is too
    large or not JSON fails with the reason instead."""
    row = Call.objects.filter(pk=call_id, state=CallState.WAITING).values(
        "name", "socket_id", "arguments", "tracking", "parent_id", "generation").first()
    spec = topology_held().socket(row["socket_id"]) if row else None
    if row is None or spec is None:
        return None
    queued = Queued(pk=call_id, name=row["name"], tracking=row["tracking"], parent_id=row["parent_id"],
                    generation=row["generation"], socket=spec, destination=spec.destination)
    try:
        arguments = arguments_validate(args=[first, *row["arguments"].get("args", [])],
                                       kwargs=row["arguments"].get("kwargs", {}))
    except BadRequest as refused:
        ending_write(call_id=call_id, ending=failure(call=queued, error=f"Its input could not be passed on: "
                                                                       f"{refused.message}"))
        return None
    now = timezone.now()
    sql.execute(f"UPDATE {_CALL} SET state = %s, arguments = %s, lastupdated = %s WHERE id = %s",
                [CallState.QUEUED, *sql.prepared(Call, {"arguments": arguments, "lastupdated": now,
                                                        "id": call_id}).values()])
    event_add(call_id=call_id, name="queued", note=f"Queued for {row['name']}: its inputs arrived")
    return queued


def _gathers_fail(*, call: CallRef, then: list[str], error: str) -> None:
    note = f"An earlier step of the workflow failed ({call.name}): {error}"
    pending, seen = list(then), set()
    while pending:
        waiting_id = pending.pop(0)
        if waiting_id in seen:
            continue
        seen.add(waiting_id)
        row = Call.objects.filter(pk=waiting_id, state=CallState.WAITING).values(
            "name", "socket_id", "tracking", "parent_id", "generation", "then").first()
        spec = topology_held().socket(row["socket_id"]) if row else None
        if row is None or spec is None:
            continue
        Gather.objects.filter(call_id=waiting_id).delete()
        waiting = Queued(pk=waiting_id, name=row["name"], tracking=row["tracking"], parent_id=row["parent_id"],
                         generation=row["generation"], socket=spec, destination=spec.destination)
        ending_write(call_id=waiting_id, ending=failure(call=waiting, error=note))
        pending.extend(row["then"] or [])


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def workflow_result(*, tracking: uuid.UUID) -> dict[str, Any]:
    """{"state": pending|finished|failed|unknown, "result"?, "error"?} of a run the client
    started: its root's template filled with its calls' results, once they all finished;
    failed with the error of the run's first failed call."""
    raw = redis_client().get(RUN_KEY.format(tracking))
    if raw is None:
        return {"state": "unknown"}
    root = json.loads(raw)
    failed = (Call.objects.filter(tracking=tracking, state=CallState.FAILED).order_by("finished")
              .values_list("error", flat=True).first())
    if failed is not None:
        return {"state": "failed", "error": failed}
    ids = set(_ids(root))
    rows = dict(Call.objects.filter(pk__in=ids, state=CallState.FINISHED).values_list("id", "result"))
    if len(rows) < len(ids):
        return {"state": "pending"}
    return {"state": "finished", "result": _filled(root, {str(key): value for key, value in rows.items()})}
