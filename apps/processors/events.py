"""The live events of the processors app: sockets created, changed and deleted."""

from __future__ import annotations

from apps.core.live_events import live_event_on_commit
from apps.processors.models import Socket


def socket_event_publish(*, socket: Socket, event: str, previous_processor: str = "") -> None:
    """Tell every open page, once the change commits, that a socket was ``created``,
    ``updated`` or ``deleted``: a ``socket`` event to the ``sockets`` topic (LS_SOCKETS),
    the socket's own and its processor's (and, when it moved, its previous processor's).
    Names only: a page fetches the rest, with its own rights, when the event arrives."""
    payload = {"kind": "socket", "event": event, "socket": socket.name, "socket_id": str(socket.pk),
               "processor": socket.processor.name, "task": socket.task.name if socket.task_id else None,
               "queue": socket.queue.name if socket.queue_id else None, "flow": socket.flow_key or None}
    if previous_processor and previous_processor != socket.processor.name:
        payload["previous_processor"] = previous_processor
    live_event_on_commit(payload)
