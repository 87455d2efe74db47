"""Submit calls: record the Call, then send one small JSON message to its socket's queue.

The message carries only the call id, its send generation (``Call.generation``: a worker
drops a message of another send, see apps.engine.outbox) and the topology generation its
sender saw (apps.engine.topology); everything needed to run and to reproduce the call
(arguments, socket, run id, parent, flow version) is in the Call row.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from functools import partial
from socket import timeout as socket_timeout
from typing import Any

from amqp.exceptions import MessageNacked
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from apps.calls.models import Call, CallState, Event
from apps.core.errors import BadRequest, NotFound, Unavailable
from apps.engine import sql
from apps.engine.events import call_event, event_publish, events_publish
from apps.engine.message_headers import publish_headers
from apps.engine.monitor.health import broker_unreachable_note
from apps.engine.pressure import QueueFull, full_message, ready_count, room_check, room_wait
from apps.engine.queues import TASK_NAME, Destination, broker_is_amqp, destination_queue
from apps.engine.recording import call_fail, event_add, event_rows
from apps.engine.redis_capped import QueueRefused
from apps.engine.topology import PlugSpec, SocketSpec, topology, topology_seen
from apps.processors.models import Plug, Socket
from flowsite.celery import app as celery_app

MAX_ARGUMENT_BYTES = 256 * 1024
# A full queue refused the publish, nothing queued: RabbitMQ's nack (reject-publish), or the
# capped Redis push's refusal (apps.engine.redis_capped).
REFUSED = (MessageNacked, QueueRefused)
# A submit from a request retries an unreachable broker once, so its 503 comes within
# BROKER_CONFIRM_TIMEOUT (each attempt takes at most BROKER_CONNECT_TIMEOUT); the default
# policy (3 retries) is kept for downstream calls, which a worker sends.
SUBMIT_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


class BrokerUnreachable(Unavailable):
    """The broker could not be reached: nothing was sent."""


def arguments_validate(*, args: Any, kwargs: Any) -> dict[str, Any]:
    """The call's input as stored: {"args": [...], "kwargs": {...}}, JSON and bounded."""
    if not isinstance(args, list):
        raise BadRequest("The input is not valid.", detail={"args": ["Must be a JSON list."]})
    if not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
        raise BadRequest("The input is not valid.", detail={"kwargs": ["Must be a JSON object."]})
    try:
        size = len(json.dumps({"args": args, "kwargs": kwargs}, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise BadRequest(f"The input is not JSON: {error}") from None
    if size > MAX_ARGUMENT_BYTES:
        raise BadRequest(f"The input is {size} bytes; the limit is {MAX_ARGUMENT_BYTES}.")
    return {"args": args, "kwargs": kwargs}


def call_submit(*, socket: Socket | SocketSpec, args: list, kwargs: dict, by=None,
                tracking: uuid.UUID | None = None) -> Call:
    """Record a queued source call of ``socket`` (a new run, or one more call of ``tracking``)
    and publish it on the socket's own queue once the transaction commits. Back pressure
    (apps.engine.pressure): a full queue refuses it with ``QueueFull`` before anything is
    recorded. Calls that plugs deliver are recorded by ``downstream_submit``."""
    arguments = arguments_validate(args=args, kwargs=kwargs)
    spec = socket_spec_of(socket)
    room_check(destination=spec.destination)
    with transaction.atomic(savepoint=False):
        call = call_record(socket=socket, arguments=arguments, by=by, tracking=tracking or uuid.uuid4(),
                           parent=None, inputs=[])
        queued = Queued(pk=call.pk, name=call.name, tracking=call.tracking, parent_id=None,
                        generation=call.generation, socket=spec, destination=spec.destination)
        transaction.on_commit(partial(send_source, queued))
    return call


def socket_spec_of(socket: Socket | SocketSpec) -> SocketSpec:
    if isinstance(socket, SocketSpec):
        return socket
    spec = topology().socket(socket.pk)
    if spec is None:
        raise NotFound(f"The socket {socket.name} no longer exists.")
    return spec


@dataclass(slots=True)
class Queued:
    """A call recorded queued, as sending it needs it (and its live event)."""

    pk: uuid.UUID | str
    name: str
    tracking: uuid.UUID
    parent_id: uuid.UUID | str | None
    generation: int | None
    socket: SocketSpec
    destination: Destination
    plug_id: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """A value a plug carries to its target: a call of the target to record."""

    plug: PlugSpec
    target: SocketSpec
    args: list
    kwargs: dict
    inputs: list  # ids of the calls whose values it carries


@dataclass
class Downstream:
    """The calls plugs deliver from one outcome, prepared for ``calls_insert``."""

    rows: list[dict[str, Any]]
    inputs: list[list]
    notes: list[str]
    queued: list[Queued]
    now: Any


def downstream_prepare(*, parent, deliveries: list[Delivery]) -> Downstream:
    """The rows of the calls plugs deliver from ``parent`` (a running call): validated, not
    written yet. Who started the run owns them; they travel on their plug's queue."""
    now = timezone.now()
    rows, queued = [], []
    for delivery in deliveries:
        row = call_row(spec=delivery.target, arguments=arguments_validate(args=delivery.args, kwargs=delivery.kwargs),
                       tracking=parent.tracking, parent_id=parent.pk, hops=parent.hops + 1,
                       owner_id=parent.owner_id, queue=delivery.plug.destination.name, now=now)
        rows.append(row)
        queued.append(Queued(pk=row["id"], name=row["name"], tracking=parent.tracking, parent_id=parent.pk,
                             generation=row["generation"], socket=delivery.target,
                             destination=delivery.plug.destination, plug_id=delivery.plug.id or None))
    return Downstream(rows=rows, inputs=[d.inputs for d in deliveries],
                      notes=[f"Queued for {d.target.name}" for d in deliveries], queued=queued, now=now)


def downstream_submit(*, parent, deliveries: list[Delivery]) -> list[Queued]:
    """Record the calls plugs deliver from ``parent`` in one statement per table, inside the
    caller's transaction (the one recording the parent's outcome), and send each once it
    commits (``downstream_send``)."""
    downstream = downstream_prepare(parent=parent, deliveries=deliveries)
    calls_insert(rows=downstream.rows, inputs=downstream.inputs, notes=downstream.notes, now=downstream.now)
    downstream_send(downstream.queued)
    return downstream.queued


def downstream_send(queued: list[Queued], *, events: list[dict[str, Any]] | None = None) -> None:
    """Once the transaction commits, send each call on its plug's queue, after waiting for
    room there (a downstream call holds its producer instead of being refused); then publish
    ``events`` (the outcome that routed them) and the calls' "queued" events in one round
    trip. The messages go first: the next hop starts sooner."""
    transaction.on_commit(partial(_send_held, list(queued), list(events or [])))


def send_source(queued: Queued) -> None:
    """Send a source call once recorded (the submitter gets BrokerUnreachable, a 503, when
    the broker cannot be reached), then its "queued" live event."""
    _publish_source(call=queued, destination=queued.destination, retry_policy=SUBMIT_RETRY)
    event_publish(call_event(call=queued, socket=queued.socket, event="queued", state="queued"))


def _send_held(queued: list[Queued], events: list[dict[str, Any]]) -> None:
    for each in queued:
        _publish_held(call=each, destination=each.destination, plug_id=each.plug_id)
    events_publish([*events, *(call_event(call=each, socket=each.socket, event="queued", state="queued")
                               for each in queued)])


def _publish_source(*, call: Queued, destination: Destination, retry_policy: dict[str, Any]) -> None:
    """Send a source call; when the broker is unreachable the call is failed with the reason
    (nothing was sent: it must not wait as queued) and the submitter gets the 503."""
    try:
        call_publish(call=call, destination=destination, retry_policy=retry_policy)
    except BrokerUnreachable as error:
        reason = (f"The message broker is unreachable, so {call.name} was not queued (the call is marked "
                  "failed); try again when the broker is back.")
        call_fail(call=call, error=reason)
        broker_unreachable_note(message=f"A submit could not reach the broker: {error.__cause__ or error}")
        raise BrokerUnreachable(reason) from error.__cause__


def _publish_held(*, call: Queued, destination: Destination, plug_id) -> None:
    """Send a downstream call once its queue has room, recording how long it was held."""
    held = room_wait(destination=destination)
    if held:
        event_add(call_id=call.pk, name="held", note=f"Held {held:.2f} s upstream: {destination.label} was full.")
        if plug_id is not None:
            Plug.objects.filter(pk=plug_id).update(blocked_seconds=F("blocked_seconds") + held)
    call_publish(call=call, destination=destination)


def call_record(*, socket: Socket | SocketSpec, arguments: dict[str, Any], by, tracking: uuid.UUID,
                parent: Call | None, inputs: list, hops: int = 0, note: str = "", generation: int | None = 0) -> Call:
    """The queued Call row, the calls that feed it and its "queued" event (nothing is sent),
    as a Call instance (not read back). ``arguments`` must come from ``arguments_validate``.
    It travels on the socket's own queue. A call of a socket a deployed flow owns records that flow's
    version. ``generation=None``: a call the outbox sweeper must not send again. Who started
    the run owns its downstream calls."""
    spec = socket_spec_of(socket)
    now = timezone.now()
    owner_id = by.pk if getattr(by, "is_authenticated", False) else (parent.owner_id if parent else None)
    row = call_row(spec=spec, arguments=arguments, tracking=tracking, parent_id=parent.pk if parent else None,
                   hops=hops, owner_id=owner_id, queue=spec.destination.name, generation=generation, now=now)
    (row["version_id"],) = calls_insert(rows=[row], inputs=[inputs], notes=[note or f"Queued for {spec.name}"],
                                        now=now)
    call = sql.instance(Call, row)
    if isinstance(socket, Socket):
        call.socket = socket
    return call


def call_row(*, spec: SocketSpec, arguments: dict[str, Any], tracking, parent_id, hops: int, owner_id, queue: str,
             now, generation: int | None = 0) -> dict[str, Any]:
    """A queued call's row (attname -> value) for ``calls_insert``."""
    return {"id": uuid.uuid4(), "name": spec.name, "state": CallState.QUEUED, "socket_id": spec.id,
            "task_id": spec.task_id, "arguments": arguments, "version_id": spec.flow_version, "queue": queue,
            "tracking": tracking, "parent_id": parent_id, "hops": hops, "generation": generation,
            "owner_id": owner_id, "created": now, "lastupdated": now}


def calls_insert(*, rows: list[dict[str, Any]], inputs: list[list], notes: list[str], now) -> list:
    """Queued calls, the calls that feed each, and their "queued" events: three INSERTs.
    Returns the flow version each call recorded: a version deleted past its service (the
    Django admin) is recorded as none."""
    versions = sql.rows_insert(Call, rows, now=now, if_exists=("version_id",), returning="version_id")
    sql.rows_insert(Call.inputs.through, input_rows(rows=rows, inputs=inputs))
    sql.rows_insert(Event, queued_event_rows(rows=rows, notes=notes), now=now)
    return versions


def input_rows(*, rows: list[dict[str, Any]], inputs: list[list]) -> list[dict[str, Any]]:
    """The links from each queued call to the calls whose values feed it."""
    return [{"from_call_id": row["id"], "to_call_id": source}
            for row, sources in zip(rows, inputs, strict=True) for source in dict.fromkeys(str(i) for i in sources)]


def queued_event_rows(*, rows: list[dict[str, Any]], notes: list[str]) -> list[dict[str, Any]]:
    return [event for row, note in zip(rows, notes, strict=True)
            for event in event_rows(call_id=row["id"], events=[("queued", note, {})])]


def call_publish(*, call: Call | Queued, destination: Destination, countdown: float | None = None, wait: bool = True,
                 retry_policy: dict[str, Any] | None = None) -> None:
    """Send the call's message, with its enqueue time (``countdown``: due that many seconds
    from now). A full queue refuses it, on RabbitMQ (reject-publish, confirmed) as on Redis
    (the capped push); a refused send queued nothing, and it is sent again once there is
    room: never dropped, queued once. ``wait=False``: raise ``QueueFull`` instead of
    waiting for room. ``retry_policy``: kombu's, for an unreachable broker (default: Celery's);
    once it is spent, ``BrokerUnreachable``."""
    queue = destination_queue(destination)
    options: dict[str, Any] = {"confirm_timeout": settings.BROKER_CONFIRM_TIMEOUT} if broker_is_amqp() else {}
    if retry_policy is not None:
        options["retry_policy"] = retry_policy
    if countdown is not None:
        options["countdown"] = countdown
    delay = 0.05
    while True:
        try:
            celery_app.send_task(
                TASK_NAME, kwargs={"call_id": str(call.pk), "generation": call.generation,
                                   "topology": topology_seen()}, task_id=str(call.pk),
                queue=queue, routing_key=queue.routing_key, declare=[queue], headers=publish_headers(),
                # No result is stored (the row is the result): without this, Celery subscribes to
                # the task's result channel on every send (and unsubscribes when it is forgotten).
                ignore_result=True, **options,
            )
            return
        except (TimeoutError, *REFUSED, KombuOperationalError) as error:
            cause = error if isinstance(error, (*REFUSED, socket_timeout)) else error.__cause__
            if isinstance(cause, socket_timeout):
                raise Unavailable(f"The broker did not confirm the message of {call.name} within "
                                  f"{settings.BROKER_CONFIRM_TIMEOUT} s; it may not be queued.") from None
            if isinstance(error, KombuOperationalError) and not isinstance(cause, REFUSED):
                raise BrokerUnreachable(f"The message broker is unreachable: the message of {call.name} "
                                        "was not sent.") from error
            if not isinstance(cause, REFUSED):  # kombu wraps the nack; anything else is real
                raise
        if not wait:
            limit = destination.limit or 0
            raise QueueFull(full_message(destination, ready_count(destination.name), limit))
        # Refused: full (also by bytes, which the count does not see). Wait for room, resend.
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
        room_wait(destination=destination)
