"""Submit calls: record the Call, then send one small JSON message to its socket's queue.

The message carries only the call id; everything needed to run and to reproduce the
call (arguments, socket, run id, parent, flow version) is in the Call row.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import transaction

from apps.calls.models import Call
from apps.core.errors import BadRequest
from apps.engine.events import call_event, event_publish
from apps.engine.queues import TASK_NAME, kombu_queue
from apps.engine.recording import event_add
from apps.processors.models import Socket
from flowsite.celery import app as celery_app

MAX_ARGUMENT_BYTES = 256 * 1024


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
                inputs: list[str] | None = None) -> Call:
    """Record a queued call of ``socket`` and publish it once the transaction commits.

    Inside a caller's transaction (routing records the source call's outcome and its
    downstream calls together) it adds no savepoint: an error fails the whole of it."""
    arguments = arguments_validate(args=args, kwargs=kwargs)
    with transaction.atomic(savepoint=False):
        call = call_record(socket=socket, arguments=arguments, by=by,
                           tracking=tracking or (parent.tracking if parent else uuid.uuid4()),
                           parent=parent, hops=hops, argument=argument,
                           inputs=inputs or ([parent.pk] if parent else []))
        payload = call_event(call=call, event="queued", state="queued")
        transaction.on_commit(lambda: (call_publish(call=call, socket=socket), event_publish(payload)))
    return call


def call_record(*, socket: Socket, arguments: dict[str, Any], by, tracking: uuid.UUID, parent: Call | None,
                inputs: list, hops: int = 0, argument: str = "", note: str = "") -> Call:
    """The queued Call row, the calls that feed it and its "queued" event (nothing is sent).
    ``arguments`` must come from ``arguments_validate``."""
    call = Call.objects.create(
        name=socket.name, socket=socket, task_id=socket.task_id, arguments=arguments,
        tracking=tracking, parent=parent, hops=hops, argument=argument,
        owner=by if getattr(by, "is_authenticated", False) else None,
    )
    if inputs:
        inputs_add(call=call, inputs=inputs)
    event_add(call_id=call.pk, name="queued", note=note or f"Queued for {socket.name}")
    return call


def inputs_add(*, call: Call, inputs: list) -> None:
    """The calls whose values fed ``call``: one INSERT (``call.inputs.add`` reads first)."""
    through = Call.inputs.through
    through.objects.bulk_create([through(from_call_id=call.pk, to_call_id=source)
                                 for source in dict.fromkeys(str(i) for i in inputs)])


def call_publish(*, call: Call, socket: Socket) -> None:
    queue = kombu_queue(socket=socket)
    celery_app.send_task(
        TASK_NAME, kwargs={"call_id": str(call.pk)}, task_id=str(call.pk),
        queue=queue, routing_key=queue.routing_key, declare=[queue],
    )
