"""State changes of calls. Each transition is one conditional UPDATE, so a call reaches a
final state exactly once however often its message is delivered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from apps.calls.models import FINAL_STATES, Call, CallState, Event, MetricSample
from apps.engine.events import call_event, event_publish

logger = logging.getLogger(__name__)

MAX_LOG_CHARS = 64 * 1024


@dataclass(frozen=True)
class WorkerIdentity:
    hostname: str
    worker_id: str | None = None
    agent_id: str | None = None
    node_id: str | None = None


def event_add(*, call_id, name: str, note: str = "", data: dict[str, Any] | None = None) -> None:
    Event.objects.create(call_id=call_id, name=name, note=note[:500], data=data or {})


def events_add(*, call_id, events: list[tuple[str, str]]) -> None:
    """Several (name, note) events of one call in one INSERT, in this order (each row's
    ``created`` is taken as it is prepared, so they sort as listed)."""
    Event.objects.bulk_create([Event(call_id=call_id, name=name, note=note[:500], data={}) for name, note in events])


def call_start(*, call_id: str, who: WorkerIdentity, generation: int | None = None) -> Call | None:
    """Mark a call running; None when it already ended (cancelled, finished, expired), or
    when ``generation`` (the message's send) is not the call's current one: the outbox
    sweeper sent it again (apps.engine.outbox), and that newer message runs it.

    A call found already running was delivered before to a worker that died: its
    redelivery is recorded as an event. Only the call's row is locked (not the socket,
    task and processor rows read with it), so calls of one socket start concurrently.
    """
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        call = (Call.objects.select_for_update(of=("self",)).select_related("socket__processor", "task")
                .filter(pk=call_id).order_by().first())
        if call is None or call.state in FINAL_STATES:
            return None
        if generation is not None and call.generation is not None and generation != call.generation:
            logger.debug("call %s: dropped a message of send %s (the current send is %s)",
                         call_id, generation, call.generation)
            return None
        redelivered = call.state == CallState.RUNNING
        call.state = CallState.RUNNING
        call.started = call.started or timezone.now()
        call.attempts += 1  # the row is locked: nobody else counts this attempt
        call.worker_id, call.agent_id, call.node_id = who.worker_id, who.agent_id, who.node_id
        call.save(update_fields=["state", "started", "attempts", "worker", "agent", "node", "lastupdated"])
        events = [("redelivered", f"Redelivered to {who.hostname}")] if redelivered else []
        events += [("received", f"Received task {call.name} on {who.hostname}"),
                   ("prerun", f"Prerun for task {call.name}")]
        events_add(call_id=call_id, events=events)
        payload = call_event(call=call, event="prerun", state=CallState.RUNNING, host=who.hostname,
                             redelivered=redelivered)
        transaction.on_commit(lambda: event_publish(payload))
    return call


def _commit_without_waiting_for_disk() -> None:
    """This transaction's commit returns before its WAL reaches the disk (PostgreSQL).

    For the start of a call only: it is not what makes a call exactly-once. Until the
    call's message is acknowledged, after the outcome's transaction commits durably
    (flushing this one's WAL, which comes earlier), a crash just delivers it again; and
    the database loses at most the last fraction of a second of such commits on a crash
    of its own, never a finished call. Saves a disk flush (several ms) per call."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _finalize(*, call_id: UUID | str, state: str, fields: dict[str, Any], finished=None) -> bool:
    finished = finished or timezone.now()
    updated = (
        Call.objects.filter(pk=call_id)
        .exclude(state__in=FINAL_STATES)
        .update(state=state, finished=finished, lastupdated=finished, **fields)
    )
    return updated == 1


def call_finish(*, call: Call, result: Any, log: str, commit: str, duration_ms: float,
                metrics: list[dict[str, Any]]) -> bool:
    """Record success once; False when another delivery already ended the call.

    Inside a caller's transaction it adds no savepoint: an error fails the caller's
    transaction as a whole, which is what recording and routing together need."""
    finished = timezone.now()
    # The live event carries the duration the call's row records (started to finished, as the
    # tables show it); the function's own time inside the runner is ``run_ms``.
    recorded_ms = (finished - call.started).total_seconds() * 1000 if call.started else duration_ms
    with transaction.atomic(savepoint=False):
        won = _finalize(call_id=call.pk, state=CallState.FINISHED, finished=finished,
                        fields={"result": result, "log": log[:MAX_LOG_CHARS], "commit": commit})
        if won:
            timing = {"duration_ms": round(recorded_ms, 3), "run_ms": round(duration_ms, 3)}
            event_add(call_id=call.pk, name="postrun", note=f"Postrun for task {call.name}", data=timing)
            metric_samples_add(call=call, metrics=metrics)
            payload = call_event(call=call, event="postrun", state=CallState.FINISHED, **timing)
            transaction.on_commit(lambda: event_publish(payload))
    return won


def call_fail(*, call: Call, error: str, log: str = "", commit: str = "") -> bool:
    with transaction.atomic(savepoint=False):
        won = _finalize(call_id=call.pk, state=CallState.FAILED,
                        fields={"error": error[:10_000], "log": log[:MAX_LOG_CHARS], "commit": commit})
        if won:
            event_add(call_id=call.pk, name="failure", note=error[:500])
            payload = call_event(call=call, event="failure", state=CallState.FAILED, error=error[:500])
            transaction.on_commit(lambda: event_publish(payload))
    return won


def call_retry(*, call: Call, error: str, attempt: int, delay: int) -> None:
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).exclude(state__in=FINAL_STATES).update(
            state=CallState.RETRY, error=error[:10_000], lastupdated=timezone.now()
        )
        event_add(call_id=call.pk, name="retry", note=f"Attempt {attempt} failed; retrying in {delay} s",
                  data={"error": error[:2000]})
        payload = call_event(call=call, event="retry", state=CallState.RETRY, attempt=attempt)
        transaction.on_commit(lambda: event_publish(payload))


def call_cancel(*, call: Call, by) -> bool:
    """Cancel a call that has not ended; a worker that receives it later skips it."""
    with transaction.atomic():
        won = _finalize(call_id=call.pk, state=CallState.CANCELLED, fields={})
        if won:
            who = getattr(by, "username", "system")
            event_add(call_id=call.pk, name="cancelled", note=f"Cancelled by {who}")
            payload = call_event(call=call, event="cancelled", state=CallState.CANCELLED)
            transaction.on_commit(lambda: event_publish(payload))
    return won


def metric_samples_add(*, call: Call, metrics: list[dict[str, Any]]) -> None:
    if not metrics:
        return
    processor = call.socket.processor
    rows = []
    for metric in metrics:
        value = metric.get("value") if isinstance(metric, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(metric.get("name"), str):
            tag = metric.get("tag")
            rows.append(MetricSample(processor=processor, call=call, name=metric["name"][:200],
                                     value=float(value), tags=tag if isinstance(tag, dict) else {}))
    MetricSample.objects.bulk_create(rows)
    for row in rows:
        payload = {"kind": "metric", "processor": processor.name, "name": row.name, "value": row.value,
                   "tags": row.tags, "call": str(call.pk)}
        transaction.on_commit(partial(event_publish, payload))
