"""What a schedule firing does: one new run of the socket with its configured input."""

from __future__ import annotations

import logging

from apps.calls.models import Call
from apps.engine.dispatch import call_submit
from apps.engine.pressure import QueueFull
from apps.processors.models import Socket

logger = logging.getLogger(__name__)


def schedule_input(socket: Socket) -> tuple[list, dict]:
    """``data`` may be a list (positional arguments), an object with "args"/"kwargs", or one value."""
    data = socket.data
    if isinstance(data, list):
        return data, {}
    if isinstance(data, dict) and set(data) <= {"args", "kwargs"} and data:
        return list(data.get("args", [])), dict(data.get("kwargs", {}))
    return ([] if data is None else [data]), {}


def schedule_fire(*, socket_id: str) -> Call | None:
    socket = Socket.objects.select_related("processor", "queue", "task").filter(pk=socket_id).first()
    if socket is None or not socket.enabled:
        logger.info("schedule for a removed or disabled socket %s ignored", socket_id)
        return None
    args, kwargs = schedule_input(socket)
    try:
        return call_submit(socket=socket, args=args, kwargs=kwargs)
    except QueueFull as full:  # back pressure: this tick is skipped, the next one tries again
        logger.warning("schedule of %s skipped: %s", socket.name, full.message)
        return None
