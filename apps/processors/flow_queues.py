"""Who may use a queue that a flow's deploy made for one of its sockets.

A flow's socket gets a queue of its own (``Queue.flow_key``; apps.flows.deploy names it
from the flow and the socket), and only sockets of that flow may use it. A plug may deliver
on it only when the plug is that flow's, or when it rides its target socket's own queue (a
plug into a shared socket). So a socket or plug made by hand (CLI, API) or by another flow
never shares a flow's queue, and the broker queue ``<queue>.<processor>`` stays the flow's."""

from __future__ import annotations

from apps.core.errors import BadRequest
from apps.network.models import Queue
from apps.processors.models import Socket


def queue_use_check(*, queue: Queue | None, flow_key: str, what: str, target: Socket | None = None) -> None:
    """Raise BadRequest (field ``queue``) when ``what`` (of flow ``flow_key``, empty: of none)
    may not use ``queue``; ``target``: the socket a plug delivers to."""
    if queue is None or not queue.flow_key or queue.flow_key == flow_key:
        return
    if target is not None and target.queue_id == queue.pk:
        return
    message = (f"The queue '{queue.name}' is the queue of a flow's socket; {what} cannot use it. "
               "Give it a queue of its own.")
    raise BadRequest("The queue belongs to a flow's socket.", detail={"queue": [message]})
