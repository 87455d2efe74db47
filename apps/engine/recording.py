"""State changes of calls. Each transition is one conditional statement on the call's row,
so a call reaches a final state exactly once however often its message is delivered.

The statements are plain SQL (apps.engine.sql) and what they need to know about sockets
and plugs comes from this process's topology copy (apps.engine.topology): a call's start
is a lock, an update and its events' insert; its outcome an update, its events' insert,
and what routing adds (apps.engine.routing) in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial
from typing import Any, Protocol
from uuid import UUID, uuid4

from django.db import connection, transaction
from django.utils import timezone

from apps.calls.models import FINAL_STATES, Call, CallState, Event, MetricSample
from apps.engine import sql
from apps.engine.events import call_event, event_publish, events_publish
from apps.engine.topology import SocketSpec, topology
from apps.processors.models import Task

logger = logging.getLogger(__name__)

MAX_LOG_CHARS = 64 * 1024
_CALL = sql.table(Call).name
_FINAL = ", ".join(f"'{state}'" for state in FINAL_STATES)
_START_READ = ("state", "generation", "attempts", "started", "arguments", "tracking", "parent_id", "hops",
               "owner_id", "socket_id", "task_id", "name", "then")
NAME = "{name}"  # in a note written by one statement: the call's name, filled in by the statement


@dataclass(frozen=True)
class WorkerIdentity:
    hostname: str
    worker_id: str | None = None
    agent_id: str | None = None
    node_id: str | None = None


@dataclass(slots=True)
class Running:
    """A call as a worker runs it: what its start read from the row, and its socket."""

    pk: str
    name: str
    socket: SocketSpec
    tracking: UUID
    parent_id: UUID | None
    hops: int
    owner_id: Any
    attempts: int
    arguments: dict[str, Any]
    started: datetime | None
    function: str  # the task the call was recorded for (its socket's, unless the socket was re-pointed since)
    then: list[str] = field(default_factory=list)  # workflow steps waiting for its result (calls.Gather)

    @property
    def socket_id(self) -> str:
        return self.socket.id


class CallRef(Protocol):
    """What ending a call needs to know of it: a ``Running``, a just-queued call
    (apps.engine.dispatch.Queued), or a Call row through ``running_of``."""

    pk: Any
    name: str
    socket: SocketSpec
    tracking: Any
    parent_id: Any


def running_of(call: Call | Running) -> Running:
    """A Call row as the recording functions take it (tools and tests hold rows)."""
    if isinstance(call, Running):
        return call
    spec = topology().socket(call.socket_id)
    if spec is None:
        raise Call.DoesNotExist(f"The socket of call {call.pk} no longer exists.")
    return Running(pk=str(call.pk), name=call.name, socket=spec, tracking=call.tracking, parent_id=call.parent_id,
                   hops=call.hops, owner_id=call.owner_id, attempts=call.attempts, arguments=call.arguments,
                   started=call.started, function=_function(spec, call.task_id), then=call.then)


def _function(spec: SocketSpec, task_id) -> str:
    if str(task_id) == spec.task_id:
        return spec.task_name
    return Task.objects.filter(pk=task_id).values_list("name", flat=True).first() or spec.task_name


def event_rows(*, call_id, events: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Rows of a call's events, (name, note, data) each, for one ``sql.rows_insert``."""
    return [{"id": uuid4(), "name": name, "note": note[:500], "call_id": call_id, "data": data}
            for name, note, data in events]


def event_add(*, call_id, name: str, note: str = "", data: dict[str, Any] | None = None) -> None:
    sql.rows_insert(Event, event_rows(call_id=call_id, events=[(name, note, data or {})]))


def events_add(*, call_id, events: list[tuple[str, str]]) -> None:
    """Several (name, note) events of one call in one INSERT, in this order."""
    sql.rows_insert(Event, event_rows(call_id=call_id, events=[(name, note, {}) for name, note in events]))


def call_start(*, call_id: str, who: WorkerIdentity, generation: int | None = None,
               seen: int | None = None) -> Running | None:
    """Mark a call running; None when it already ended (cancelled, finished, expired), or
    when ``generation`` (the message's send) is not the call's current one: the outbox
    sweeper sent it again (apps.engine.outbox), and that newer message runs it.

    ``seen``: the topology generation its sender saw (apps.engine.topology).

    A call found already running was delivered before to a worker that died: its
    redelivery is recorded as an event. Only the call's row is locked, so calls of one
    socket start concurrently. On PostgreSQL the lock, the update and the events are one
    statement; elsewhere, steps in one transaction.
    """
    now = timezone.now()
    if sql.one_statement():
        row = _start_at_once(call_id=call_id, who=who, generation=generation, now=now)
    else:
        with transaction.atomic():
            row = _start_steps(call_id=call_id, who=who, generation=generation, now=now)
    if row is None:
        return None
    if row["attempts"] is None:  # not started: it ended, or this message is of another send
        _stale_note(call_id=call_id, row=row, generation=generation)
        return None
    spec = topology(seen=seen).socket(row["socket_id"])
    if spec is None:
        return None
    running = Running(pk=str(call_id), name=row["name"], socket=spec, tracking=row["tracking"],
                      parent_id=row["parent_id"], hops=row["hops"], owner_id=row["owner_id"],
                      attempts=row["attempts"], arguments=row["arguments"], started=row["started"],
                      function=_function(spec, row["task_id"]), then=row["then"] or [])
    payload = call_event(call=running, socket=spec, event="prerun", state=CallState.RUNNING, host=who.hostname,
                         redelivered=row["state"] == CallState.RUNNING)
    transaction.on_commit(partial(event_publish, payload))
    return running


def _start_events(*, who: WorkerIdentity, name: str = NAME) -> list[tuple[str, str, dict[str, Any]]]:
    """The start's events, redelivered first (kept only when the call was running already)."""
    return [("redelivered", f"Redelivered to {who.hostname}", {}),
            ("received", f"Received task {name} on {who.hostname}", {}), ("prerun", f"Prerun for task {name}", {})]


def _start_steps(*, call_id: str, who: WorkerIdentity, generation: int | None, now: datetime) -> dict | None:
    row = sql.fetch_one(f"SELECT {_columns('', _START_READ)} FROM {_CALL} WHERE id = %s{sql.for_update()}",
                        list(sql.prepared(Call, {"id": call_id}).values()), model=Call, names=_START_READ)
    if row is None or row["state"] in FINAL_STATES or _stale(row=row, generation=generation):
        return row and {**row, "attempts": None}
    row.update(attempts=row["attempts"] + 1, started=row["started"] or now)
    sql.execute(f"UPDATE {_CALL} SET state = %s, started = %s, attempts = %s, worker_id = %s, agent_id = %s, "
                "node_id = %s, lastupdated = %s WHERE id = %s",
                [CallState.RUNNING, *sql.prepared(Call, {
                    "started": row["started"], "attempts": row["attempts"], "worker_id": who.worker_id,
                    "agent_id": who.agent_id, "node_id": who.node_id, "lastupdated": now, "id": call_id,
                }).values()])
    events = _start_events(who=who, name=row["name"])[0 if row["state"] == CallState.RUNNING else 1:]
    sql.rows_insert(Event, event_rows(call_id=call_id, events=events), now=now)
    return row


def _stale(*, row: dict[str, Any], generation: int | None) -> bool:
    """Whether a message of send ``generation`` is not the call's current send."""
    return generation is not None and row["generation"] is not None and generation != row["generation"]


def _stale_note(*, call_id: str, row: dict[str, Any], generation: int | None) -> None:
    """A message of an older send (the outbox sweeper sent the call again) is dropped, and
    the call says so; a redelivered message of an ended call is skipped without a word."""
    if _stale(row=row, generation=generation):
        event_add(call_id=call_id, name="dropped", note=f"A message of send {generation} was dropped: the call was "
                  f"sent again (send {row['generation']}) and that message runs it.")


def _start_at_once(*, call_id: str, who: WorkerIdentity, generation: int | None, now: datetime) -> dict | None:
    """One statement: lock the row (CTE ``old``, which keeps the state it had), update it
    unless it ended or the message is of another send, and insert the events, the
    "redelivered" one only when it was running already. The row has the state and send it
    had, and, when it was started, ``attempts`` and the rest (else None)."""
    key = sql.prepared(Call, {"id": call_id, "worker_id": who.worker_id, "agent_id": who.agent_id,
                              "node_id": who.node_id, "started": now})
    events = event_rows(call_id=call_id, events=_start_events(who=who))
    params = [key["id"], CallState.RUNNING, key["started"], key["worker_id"], key["agent_id"], key["node_id"],
              key["started"], generation, generation, *sql.row_values(Event, events, now=now)]
    return sql.fetch_one(_start_statement(len(events)), params, model=Call, names=_START_READ, prepare=True)


@cache
def _start_statement(events: int) -> str:
    insert_events = sql.insert_guarded(Event, events, guard="upd", overrides=(
        ("note", f"left(replace(v.note, '{NAME}', upd.name), 500)"),
    ), where="v.name <> 'redelivered' OR upd.was = 'running'")
    return (
        f"WITH old AS (SELECT id, state, generation FROM {_CALL} WHERE id = %s FOR UPDATE), "
        f"upd AS (UPDATE {_CALL} AS c SET state = %s, started = COALESCE(c.started, %s), attempts = c.attempts + 1, "
        "worker_id = %s, agent_id = %s, node_id = %s, lastupdated = %s FROM old "
        f"WHERE c.id = old.id AND old.state NOT IN ({_FINAL}) "
        "AND (%s::integer IS NULL OR old.generation IS NULL OR old.generation = %s::integer) "
        f"RETURNING old.state AS was, {_columns('c.', _START_READ[2:])}), "
        f"ev AS ({insert_events}) "
        f"SELECT old.state, old.generation, {_columns('upd.', _START_READ[2:])} "
        "FROM old LEFT JOIN upd ON true")


def _columns(prefix: str, names: tuple[str, ...]) -> str:
    return ", ".join(prefix + connection.ops.quote_name(name) for name in names)


@dataclass
class Ending:
    """An outcome of a call, decided and not yet written: the row's final state and fields,
    the call's events, its metric samples and its live event."""

    state: str
    finished: datetime
    fields: dict[str, Any]
    events: list[tuple[str, str, dict[str, Any]]]
    metrics: list[dict[str, Any]]
    payload: dict[str, Any]

    def assignments(self) -> tuple[str, list[Any]]:
        """The SET clause of the conditional UPDATE, and its values."""
        values = sql.prepared(Call, {**self.fields, "finished": self.finished, "lastupdated": self.finished})
        return _set_clause(tuple(values)), [self.state, *values.values()]


def success(*, call: Running, result: Any, log: str, commit: str, duration_ms: float,
            metrics: list[dict[str, Any]]) -> Ending:
    finished = timezone.now()
    # The live event carries the duration the call's row records (started to finished, as the
    # tables show it); the function's own time inside the runner is ``run_ms``.
    recorded_ms = (finished - call.started).total_seconds() * 1000 if call.started else duration_ms
    timing = {"duration_ms": round(recorded_ms, 3), "run_ms": round(duration_ms, 3)}
    return Ending(state=CallState.FINISHED, finished=finished,
                  fields={"result": result, "log": log[:MAX_LOG_CHARS], "commit": commit},
                  events=[("postrun", f"Postrun for task {call.name}", timing)],
                  metrics=metric_rows(call=call, metrics=metrics),
                  payload=call_event(call=call, socket=call.socket, event="postrun", state=CallState.FINISHED,
                                     **timing))


def failure(*, call: CallRef, error: str, log: str = "", commit: str = "") -> Ending:
    return Ending(state=CallState.FAILED, finished=timezone.now(),
                  fields={"error": error[:10_000], "log": log[:MAX_LOG_CHARS], "commit": commit},
                  events=[("failure", error[:500], {})], metrics=[],
                  payload=call_event(call=call, socket=call.socket, event="failure", state=CallState.FAILED,
                                     error=error[:500]))


def ending_write(*, call_id, ending: Ending) -> bool:
    """Write an outcome as steps in the caller's transaction: the conditional UPDATE (False
    when another delivery ended the call first, and nothing else is written), the call's
    events and metric samples; its live events go out after the commit."""
    assignments, values = ending.assignments()
    changed = sql.execute(f"UPDATE {_CALL} SET {assignments} WHERE id = %s AND state NOT IN ({_FINAL})",
                          [*values, *sql.prepared(Call, {"id": call_id}).values()])
    if changed != 1:
        return False
    sql.rows_insert(Event, event_rows(call_id=call_id, events=ending.events), now=ending.finished)
    sql.rows_insert(MetricSample, ending.metrics)
    ending_publish(ending)
    return True


def ending_publish(ending: Ending) -> None:
    """The outcome's live events, after commit, in one round trip."""
    transaction.on_commit(partial(events_publish, ending_events(ending)))


def ending_events(ending: Ending) -> list[dict[str, Any]]:
    return [ending.payload, *metric_payloads(ending)]


def sql_name(attname: str) -> str:
    return connection.ops.quote_name(attname)


@cache
def _set_clause(names: tuple[str, ...]) -> str:
    return f"state = %s, {', '.join(f'{sql_name(name)} = %s' for name in names)}"


def call_finish(*, call: Running | Call, result: Any, log: str, commit: str, duration_ms: float,
                metrics: list[dict[str, Any]]) -> bool:
    """Record success once, without routing it; False when another delivery already ended
    the call. Inside a caller's transaction it adds no savepoint."""
    call = running_of(call)
    ending = success(call=call, result=result, log=log, commit=commit, duration_ms=duration_ms, metrics=metrics)
    with transaction.atomic(savepoint=False):
        return ending_write(call_id=call.pk, ending=ending)


def call_fail(*, call: CallRef | Call, error: str, log: str = "", commit: str = "") -> bool:
    """Record a failure once, without routing it (a call that could not be sent, one lost
    too often); a worker's failures go through apps.engine.ending, which routes them."""
    call = running_of(call) if isinstance(call, Call) else call
    with transaction.atomic(savepoint=False):
        return ending_write(call_id=call.pk, ending=failure(call=call, error=error, log=log, commit=commit))


def call_retry(*, call: CallRef | Call, error: str, attempt: int, delay: int) -> None:
    call = running_of(call) if isinstance(call, Call) else call
    now = timezone.now()
    with transaction.atomic():
        sql.execute(f"UPDATE {_CALL} SET state = %s, error = %s, lastupdated = %s WHERE id = %s "
                    f"AND state NOT IN ({_FINAL})",
                    [CallState.RETRY, *sql.prepared(Call, {"error": error[:10_000], "lastupdated": now,
                                                           "id": call.pk}).values()])
        sql.rows_insert(Event, event_rows(call_id=call.pk, events=[
            ("retry", f"Attempt {attempt} failed; retrying in {delay} s", {"error": error[:2000]})]), now=now)
        payload = call_event(call=call, socket=call.socket, event="retry", state=CallState.RETRY, attempt=attempt)
        transaction.on_commit(partial(event_publish, payload))


def call_cancel(*, call: Call, by) -> bool:
    """Cancel a call that has not ended; a worker that receives it later skips it."""
    now = timezone.now()
    with transaction.atomic():
        won = sql.execute(f"UPDATE {_CALL} SET state = %s, finished = %s, lastupdated = %s WHERE id = %s "
                          f"AND state NOT IN ({_FINAL})", [CallState.CANCELLED, *sql.prepared(Call, {
                              "finished": now, "lastupdated": now, "id": call.pk}).values()]) == 1
        if won:
            who = getattr(by, "username", "system")
            event_add(call_id=call.pk, name="cancelled", note=f"Cancelled by {who}")
            payload = call_event(call=call, event="cancelled", state=CallState.CANCELLED)
            transaction.on_commit(partial(event_publish, payload))
    return won


def metric_rows(*, call: Running, metrics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The samples a function reported that are numbers with a name, as MetricSample rows."""
    rows = []
    for metric in metrics:
        value = metric.get("value") if isinstance(metric, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(metric.get("name"), str):
            tag = metric.get("tag")
            rows.append({"processor_id": call.socket.processor_id, "call_id": call.pk, "name": metric["name"][:200],
                         "value": float(value), "tags": tag if isinstance(tag, dict) else {},
                         "_processor": call.socket.processor_name})
    return rows


def metric_payloads(ending: Ending) -> list[dict[str, Any]]:
    return [{"kind": "metric", "processor": row["_processor"], "name": row["name"], "value": row["value"],
             "tags": row["tags"], "call": str(row["call_id"])} for row in ending.metrics]
