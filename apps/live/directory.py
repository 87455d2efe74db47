"""What events do not carry: the queue of each socket, the flows of each processor, and
the captured log of a finished call. Read from the database, refreshed every few seconds."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.db import InterfaceError, OperationalError, connection

from apps.calls.models import Call
from apps.flows.models import Flow
from apps.processors.models import Socket

LOG_EVENT_CHARS = 16 * 1024


@dataclass
class Directory:
    max_age: float = 10.0
    min_age: float = 1.0  # the soonest a new socket or a deploy makes it read again
    queues: dict[str, str] = field(default_factory=dict)  # socket name -> queue name
    flows: dict[str, tuple[str, ...]] = field(default_factory=dict)  # processor name -> flow names
    loaded: float = float("-inf")

    def refresh_if_stale(self, events: list[dict]) -> None:
        if self.stale(events):
            self.refresh()

    def stale(self, events: list[dict]) -> bool:
        """Due for a refresh: old, or sooner when the events name a socket it does not know
        or a flow was deployed (a flow's first calls then reach its canvas at once)."""
        age = time.monotonic() - self.loaded
        return age >= self.max_age or (age >= self.min_age and self._news(events))

    def _news(self, events: list[dict]) -> bool:
        return any(event.get("kind") == "deploy" or (event.get("kind") == "call" and event.get("socket")
                                                      and event["socket"] not in self.queues) for event in events)

    def refresh(self) -> None:
        self.queues = dict(Socket.objects.filter(queue__isnull=False).values_list("name", "queue__name"))
        flows: dict[str, list[str]] = {}
        for flow, processor in Flow.processors.through.objects.values_list("flow__name", "processor__name"):
            flows.setdefault(processor, []).append(flow)
        self.flows = {processor: tuple(sorted(names)) for processor, names in flows.items()}
        self.loaded = time.monotonic()


def call_logs(call_ids: list[str]) -> dict[str, str]:
    """The captured log of each call that has one (bounded). An id that is not a call's
    (a malformed event) has none: it must not stop the publisher."""
    valid = [call_id for call_id in call_ids if _is_uuid(call_id)]
    if not valid:
        return {}
    rows = Call.objects.filter(pk__in=valid).exclude(log="").values_list("pk", "log")
    return {str(pk): log[-LOG_EVENT_CHARS:] for pk, log in rows}


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def kept_connection(fn: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """``fn`` run on the one thread that keeps its database connection between calls, for a
    long-running process such as the publisher (``database_sync_to_async`` opens and closes
    a connection around every call when CONN_MAX_AGE is 0: a PostgreSQL backend forked per
    read, milliseconds on the way of every finished call's event). A connection that broke
    (the database restarted) is closed and the read tried once more on a new one."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (InterfaceError, OperationalError):
            connection.close()
            return fn(*args, **kwargs)

    return sync_to_async(call, thread_sensitive=True)
