"""Calls recorded and sent the way dispatch sends them, with no worker to take them, and the
ready count the broker reports for their queue."""

from __future__ import annotations

from apps.calls.models import Call
from apps.engine.dispatch import call_publish
from apps.engine.monitor.sampling import sample
from apps.engine.queues import socket_destination
from tests.engine.monitor.conftest import BrokerQueue
from tests.factories import make_call


def publish_calls(queue: BrokerQueue, count: int, *, blob: int = 0) -> list[Call]:
    """``count`` calls of the queue's socket, oldest first; call ``i`` has arguments
    ``{"args": [i], "kwargs": {}}`` (plus a ``blob`` of that many characters)."""
    calls = []
    for index in range(count):
        kwargs = {"blob": "x" * blob} if blob else {}
        call = make_call(queue.socket, arguments={"args": [index], "kwargs": kwargs})
        call_publish(call=call, destination=socket_destination(socket=queue.socket))
        calls.append(call)
    return calls


def ready(broker_url: str, queue: BrokerQueue) -> int:
    [got] = sample(broker_url, targets=[queue.target()])
    return got.ready
