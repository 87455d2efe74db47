"""What events do not carry: the queue of each socket, the flows of each processor, and
the captured log of a finished call. Read from the database, refreshed every few seconds."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from apps.calls.models import Call
from apps.flows.models import Flow
from apps.processors.models import Socket

LOG_EVENT_CHARS = 16 * 1024


@dataclass
class Directory:
    max_age: float = 10.0
    queues: dict[str, str] = field(default_factory=dict)  # socket name -> queue name
    flows: dict[str, tuple[str, ...]] = field(default_factory=dict)  # processor name -> flow names
    loaded: float = float("-inf")

    def refresh_if_old(self) -> None:
        if time.monotonic() - self.loaded >= self.max_age:
            self.refresh()

    def refresh(self) -> None:
        self.queues = dict(Socket.objects.filter(queue__isnull=False).values_list("name", "queue__name"))
        flows: dict[str, list[str]] = {}
        for flow, processor in Flow.processors.through.objects.values_list("flow__name", "processor__name"):
            flows.setdefault(processor, []).append(flow)
        self.flows = {processor: tuple(sorted(names)) for processor, names in flows.items()}
        self.loaded = time.monotonic()


def call_logs(call_ids: list[str]) -> dict[str, str]:
    """The captured log of each call that has one (bounded)."""
    rows = Call.objects.filter(pk__in=call_ids).exclude(log="").values_list("pk", "log")
    return {str(pk): log[-LOG_EVENT_CHARS:] for pk, log in rows}
