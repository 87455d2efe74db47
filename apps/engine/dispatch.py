"""Submit calls: record the Call, then send one small JSON message to its socket's queue.

The message carries only the call id and its send generation (``Call.generation``: a worker
drops a message of another send, see apps.engine.outbox); everything needed to run and to reproduce the
call (arguments, socket, run id, parent, flow version) is in the Call row.
"""

from __future__ import annotations

import json
import time
import uuid
from functools import partial
from socket import timeout as socket_timeout
from typing import Any

from amqp.exceptions import MessageNacked
from django.conf import settings
from django.db import transaction
from django.db.models import F
from kombu.exceptions import OperationalError as KombuOperationalError

from apps.calls.models import Call
from apps.core.errors import BadRequest, Unavailable
from apps.engine.events import call_event, event_publish
from apps.engine.message_headers import publish_headers
from apps.engine.monitor.health import broker_unreachable_note
from apps.engine.pressure import QueueFull, full_message, ready_count, room_check, room_wait
from apps.engine.queues import (
    TASK_NAME,
    Destination,
    broker_is_amqp,
    destination_queue,
    plug_destination,
    socket_destination,
    socket_queue_name,
)
from apps.engine.recording import call_fail, event_add
from apps.engine.redis_capped import QueueRefused
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


def call_submit(*, socket: Socket, args: list, kwargs: dict, by=None, tracking: uuid.UUID | None = None,
                parent: Call | None = None, hops: int = 0, argument: str = "",
                inputs: list[str] | None = None, plug: Plug | None = None) -> Call:
    """Record a queued call of ``socket`` and publish it once the transaction commits.

    The message goes on the socket's own queue, or on ``plug``'s queue when a plug
    delivers it (apps.engine.queues). Inside a caller's transaction (routing records the
    source call's outcome and its downstream calls together) it adds no savepoint: an
    error fails the whole of it. Back pressure (apps.engine.pressure): a source (no
    ``parent``) is refused with ``QueueFull`` when its queue is full; a downstream call
    waits for room before it is sent, holding its producer."""
    arguments = arguments_validate(args=args, kwargs=kwargs)
    destination = plug_destination(plug=plug) if plug is not None else socket_destination(socket=socket)
    if parent is None:
        room_check(destination=destination)
    with transaction.atomic(savepoint=False):
        call = call_record(socket=socket, arguments=arguments, by=by, queue=destination.name,
                           tracking=tracking or (parent.tracking if parent else uuid.uuid4()),
                           parent=parent, hops=hops, argument=argument,
                           inputs=inputs or ([parent.pk] if parent else []))
        payload = call_event(call=call, event="queued", state="queued")
        send = (partial(_publish_source, retry_policy=SUBMIT_RETRY) if parent is None
                else partial(_publish_held, plug_id=plug.pk if plug else None))

        def publish() -> None:
            send(call=call, destination=destination)
            event_publish(payload)

        transaction.on_commit(publish)
    return call


def _publish_source(*, call: Call, destination: Destination, retry_policy: dict[str, Any]) -> None:
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


def _publish_held(*, call: Call, destination: Destination, plug_id) -> None:
    """Send a downstream call once its queue has room, recording how long it was held."""
    held = room_wait(destination=destination)
    if held:
        event_add(call_id=call.pk, name="held", note=f"Held {held:.2f} s upstream: {destination.label} was full.")
        if plug_id is not None:
            Plug.objects.filter(pk=plug_id).update(blocked_seconds=F("blocked_seconds") + held)
    call_publish(call=call, destination=destination)


def call_record(*, socket: Socket, arguments: dict[str, Any], by, tracking: uuid.UUID, parent: Call | None,
                inputs: list, hops: int = 0, argument: str = "", note: str = "", queue: str = "",
                generation: int | None = 0) -> Call:
    """The queued Call row, the calls that feed it and its "queued" event (nothing is sent).
    ``arguments`` must come from ``arguments_validate``; ``queue``: the broker queue it
    will be sent on (default: the socket's own). A call of a socket a deployed flow owns
    records that flow's version (``socket.flow_version``). ``generation=None``: a call the
    outbox sweeper must not send again (a workflow step, which travels inside its canvas)."""
    call = Call.objects.create(
        name=socket.name, socket=socket, task_id=socket.task_id, arguments=arguments,
        version_id=_flow_version(socket),
        queue=queue or socket_queue_name(socket=socket),
        tracking=tracking, parent=parent, hops=hops, argument=argument, generation=generation,
        # Who started the run owns its downstream calls too.
        owner_id=by.pk if getattr(by, "is_authenticated", False) else (parent.owner_id if parent else None),
    )
    if inputs:
        inputs_add(call=call, inputs=inputs)
    event_add(call_id=call.pk, name="queued", note=note or f"Queued for {socket.name}")
    return call


def _flow_version(socket: Socket):
    """The flow version the socket was deployed under, if that version still exists (the
    flows app, above this one, is reached through the relation, not imported)."""
    if socket.flow_version is None:
        return None
    version_model = Call._meta.get_field("version").related_model
    assert isinstance(version_model, type)
    exists = version_model._default_manager.filter(pk=socket.flow_version).exists()
    return socket.flow_version if exists else None


def inputs_add(*, call: Call, inputs: list) -> None:
    """The calls whose values fed ``call``: one INSERT (``call.inputs.add`` reads first)."""
    through = Call.inputs.through
    through.objects.bulk_create([through(from_call_id=call.pk, to_call_id=source)
                                 for source in dict.fromkeys(str(i) for i in inputs)])


def call_publish(*, call: Call, destination: Destination, countdown: float | None = None, wait: bool = True,
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
                TASK_NAME, kwargs={"call_id": str(call.pk), "generation": call.generation}, task_id=str(call.pk),
                queue=queue, routing_key=queue.routing_key, declare=[queue], headers=publish_headers(), **options,
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
