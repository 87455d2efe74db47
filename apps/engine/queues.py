"""Broker queues from Queue rows: where each call's message travels.

A call travels on ``<queue name>.<processor name>`` (a ``Destination``): the
processor-specific queue of a Queue row, so processors that name the same queue never
take each other's calls. A source call (the Run button, the CLI, the client, a schedule)
goes on its socket's queue; a call a plug delivers goes on the plug's own queue, for the
target's processor, so every wire has its own depth, rates and limit. A plug whose queue
is its target socket's (the default of a deployed flow) shares that broker queue. The
target's workers consume both (``processor_destinations``).

Queue properties (durable, TTL, max length, expiry) come from the row. On RabbitMQ they
become queue arguments. On Redis only the max length does: the capped transport
(apps.engine.redis_capped) enforces it; ``queue_unsupported`` names the rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from kombu import Exchange, Queue

from apps.network.models import Queue as QueueRow
from apps.processors.models import Plug, Socket

TASK_NAME = "elasticcode.call"


def broker_is_amqp(url: str | None = None) -> bool:
    return (url or settings.CELERY_BROKER_URL).split(":", 1)[0] in {"amqp", "pyamqp", "amqps"}


def broker_queue_name(queue: str, processor: str) -> str:
    """The broker queue of a Queue row's calls for one processor."""
    return f"{queue}.{processor}"


@dataclass(frozen=True)
class Destination:
    """One broker queue calls are sent on, the Queue row that shapes it, and what a user
    reads when it is full (``label``)."""

    name: str
    row: QueueRow
    label: str

    @property
    def processor(self) -> str:
        """The name of the processor whose workers consume it."""
        return self.name[len(self.row.name) + 1:]

    @property
    def limit(self) -> int | None:
        """The most messages it holds; None when unbounded."""
        return self.row.max_length if self.row.max_length >= 0 else None


def socket_destination(*, socket: Socket) -> Destination:
    """Where a source call of ``socket`` goes: its own queue."""
    return Destination(name=broker_queue_name(socket.queue.name, socket.processor.name), row=socket.queue,
                       label=f"the queue of {socket.name}")


def plug_destination(*, plug: Plug) -> Destination:
    """Where a call ``plug`` delivers goes: the plug's queue, for its target's processor."""
    target = plug.target
    if plug.queue_id == target.queue_id:
        return socket_destination(socket=target)
    return Destination(name=broker_queue_name(plug.queue.name, target.processor.name), row=plug.queue,
                       label=f"the queue of plug {plug.name} into {target.name}")


def call_destination(*, socket: Socket, queue: str) -> Destination:
    """Where a call of ``socket`` recorded as sent on ``queue`` travels again (a retry): that
    queue while its processor's workers still consume it, else the socket's own."""
    consumed = processor_destinations(processor_ids=[socket.processor_id])[str(socket.processor_id)]
    return consumed.get(queue) or socket_destination(socket=socket)


def socket_queue_name(*, socket: Socket) -> str:
    return socket_destination(socket=socket).name


def processor_destinations(*, processor_ids: list) -> dict[str, dict[str, Destination]]:
    """processor id -> the broker queues its workers consume, by name: its sockets' queues
    and the queues of the plugs into them. Two queries for all."""
    found: dict[str, dict[str, Destination]] = defaultdict(dict)
    for socket in Socket.objects.filter(processor_id__in=processor_ids).select_related("queue", "processor"):
        destination = socket_destination(socket=socket)
        found[str(socket.processor_id)][destination.name] = destination
    plugs = Plug.objects.filter(target__processor_id__in=processor_ids).select_related(
        "queue", "target__queue", "target__processor")
    for plug in plugs:
        destination = plug_destination(plug=plug)
        found[str(plug.target.processor_id)].setdefault(destination.name, destination)
    return {str(pid): dict(sorted(found.get(str(pid), {}).items())) for pid in processor_ids}


def queue_arguments(row: QueueRow) -> dict[str, int | str]:
    arguments: dict[str, int | str] = {}
    if row.message_ttl > 0:
        arguments["x-message-ttl"] = row.message_ttl
    if row.max_length >= 0:
        arguments["x-max-length"] = row.max_length
        # Never drop the oldest message when full (RabbitMQ's default): refuse the publish.
        arguments["x-overflow"] = "reject-publish"
    if row.max_length_bytes >= 0:
        arguments["x-max-length-bytes"] = row.max_length_bytes
        arguments["x-overflow"] = "reject-publish"
    if row.expires > 0:
        arguments["x-expires"] = row.expires
    return arguments


def redis_queue_arguments(row: QueueRow) -> dict[str, int | str]:
    """The arguments the capped Redis transport applies: the max length, a full queue
    refusing the publish (the transport knows no other overflow)."""
    if row.max_length < 0:
        return {}
    return {"x-max-length": row.max_length, "x-overflow": "reject-publish"}


def queue_unsupported(row: QueueRow, *, broker_url: str | None = None) -> list[str]:
    """Properties of the row the current broker does not apply (reported, not dropped)."""
    if broker_is_amqp(broker_url):
        return [] if row.qtype != "fanout" else ["fanout delivery (calls go to one processor queue)"]
    names = {"x-message-ttl": "message_ttl", "x-max-length-bytes": "max_length_bytes", "x-expires": "expires"}
    unsupported = [names[key] for key in queue_arguments(row) if key in names]
    if row.qtype == "fanout":
        unsupported.append("fanout delivery")
    return unsupported


@lru_cache(maxsize=4096)
def _kombu_queue(name: str, durable: bool, arguments: tuple[tuple[str, int | str], ...]) -> Queue:
    exchange = Exchange(name, type="direct", durable=durable)
    return Queue(name, exchange, routing_key=name, durable=durable, queue_arguments=dict(arguments) or None)


def destination_queue(destination: Destination) -> Queue:
    """The kombu declaration of a destination; producer and worker use the same one."""
    row = destination.row
    arguments = queue_arguments(row) if broker_is_amqp() else redis_queue_arguments(row)
    return _kombu_queue(destination.name, row.durable, tuple(sorted(arguments.items())))


def kombu_queue(*, socket: Socket) -> Queue:
    """The kombu declaration for a socket's own queue."""
    return destination_queue(socket_destination(socket=socket))


def consumer_options(queue: Queue) -> dict:
    """What Celery's ``add_consumer`` needs to declare ``queue`` as the producer does (a
    RabbitMQ queue declared with other arguments is refused, PRECONDITION_FAILED)."""
    return {"queue": queue.name, "exchange": queue.exchange.name, "exchange_type": queue.exchange.type,
            "routing_key": queue.routing_key, "durable": queue.durable, "exchange_durable": queue.exchange.durable,
            # kombu sets Queue's attributes from its attrs table at runtime, so they are untyped.
            "queue_arguments": queue.queue_arguments or None}  # type: ignore[attr-defined]
