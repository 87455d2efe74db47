"""Reads about one broker queue: the sockets that send to it, and the messages waiting on it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from apps.calls.models import Call, CallState
from apps.core.errors import NotFound
from apps.engine.monitor.contents import amqp_ready, redis_peek
from apps.engine.queues import Destination, broker_is_amqp, plug_destination, socket_destination
from apps.processors.models import Plug, Socket

ARGUMENTS_CHARS = 200
MAX_NAME = 401  # a queue's name, a dot, a processor's name


def broker_queue_find(*, name: str) -> Destination:
    """The broker queue ``name`` (``<queue>.<processor>``) some socket or plug sends to.

    Raises ``NotFound`` when none does: a caller can only ever name a socket's or a plug's
    queue, never another key or queue of the broker."""
    # Queue and processor names may hold dots themselves: try every split, keep exact matches.
    splits = [(name[:at], name[at + 1:]) for at, char in enumerate(name) if char == "."]
    if splits and len(name) <= MAX_NAME and "\x00" not in name:
        sockets, plugs = Q(), Q()
        for queue, processor in splits:
            sockets |= Q(queue__name=queue, processor__name=processor)
            plugs |= Q(queue__name=queue, target__processor__name=processor)
        for socket in Socket.objects.select_related("queue", "processor").filter(sockets).order_by("name"):
            if (found := socket_destination(socket=socket)).name == name:
                return found
        for plug in Plug.objects.select_related("queue", "target__queue", "target__processor").filter(plugs):
            if (found := plug_destination(plug=plug)).name == name:
                return found
    raise NotFound(f"No socket or plug sends to a queue named {name[:MAX_NAME]!r}; `flow ls queues` lists the queues.")


def arguments_preview(arguments: Any) -> str:
    """A call's arguments as JSON, cut to ``ARGUMENTS_CHARS`` characters."""
    text = json.dumps(arguments, default=str, ensure_ascii=False)
    return text if len(text) <= ARGUMENTS_CHARS else text[:ARGUMENTS_CHARS - 1] + "…"


def _message(position: int, call: Call | None, priority: int | None, *, now: datetime,
             arguments: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"position": position, "priority": priority, "call": None, "name": None, "socket": None,
                           "state": None, "run": None, "created": None, "age": None, "arguments": None}
    if call is not None:
        row.update(call=str(call.pk), name=call.name, socket=call.socket.name, state=call.state,
                   run=str(call.tracking), created=call.created,
                   age=round(max(0.0, (now - call.created).total_seconds()), 3),
                   arguments=arguments_preview(call.arguments) if arguments else None)
    return row


def queue_messages(*, name: str, limit: int, arguments: bool, broker_url: str | None = None) -> dict[str, Any]:
    """The first ``limit`` messages waiting on a broker queue, next to be delivered first.

    ``source`` says where they come from. ``broker``: read in place on Redis (nothing taken
    or reordered); a message whose call is unknown (not sent by the platform, or for
    another socket) shows its position only. ``calls``: RabbitMQ cannot be read without
    delivering, so the list is the queue's calls still queued, oldest first; it may
    include calls a worker has prefetched but not started. ``ready`` is the broker's
    count either way. ``arguments`` (the caller may read calls) adds each call's
    arguments, cut short; message headers and properties are never shown."""
    destination = broker_queue_find(name=name)
    url = broker_url or settings.CELERY_BROKER_URL
    calls = Call.objects.select_related("socket").filter(queue=name)
    now = timezone.now()
    if broker_is_amqp(url):
        source, ready = "calls", amqp_ready(url, name)
        queued = calls.filter(state=CallState.QUEUED).order_by("created", "pk")[:limit]
        messages = [_message(at, call, None, now=now, arguments=arguments) for at, call in enumerate(queued, 1)]
    else:
        source, (ready, waiting) = "broker", redis_peek(url, name, limit=limit)
        known = {str(pk): call for pk, call in calls.in_bulk([w.call_id for w in waiting if w.call_id]).items()}
        messages = [_message(at, known.get(w.call_id or ""), w.priority, now=now, arguments=arguments)
                    for at, w in enumerate(waiting, 1)]
    return {"name": name, "queue": destination.row.name, "processor": destination.processor, "source": source,
            "ready": ready, "limit": limit, "arguments_shown": arguments, "messages": messages}
