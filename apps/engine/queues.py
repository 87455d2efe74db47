"""Broker queues from Queue rows.

A socket's calls travel on ``<queue name>.<processor name>``: the processor-specific
queue, so processors that name the same queue never take each other's calls. Queue
properties (durable, TTL, max length, expiry) come from the row. On RabbitMQ they
become queue arguments. On Redis only the max length does: the capped transport
(apps.engine.redis_capped) enforces it; ``queue_unsupported`` names the rest.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from kombu import Exchange, Queue

from apps.network.models import Queue as QueueRow
from apps.processors.models import Socket

TASK_NAME = "elasticcode.call"


def broker_is_amqp(url: str | None = None) -> bool:
    return (url or settings.CELERY_BROKER_URL).split(":", 1)[0] in {"amqp", "pyamqp", "amqps"}


def broker_queue_name(queue: str, processor: str) -> str:
    """The broker queue of a Queue row's calls for one processor."""
    return f"{queue}.{processor}"


def socket_queue_name(*, socket: Socket) -> str:
    return broker_queue_name(socket.queue.name, socket.processor.name)


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


def kombu_queue(*, socket: Socket) -> Queue:
    """The kombu declaration for a socket's queue; producer and worker use the same one."""
    row = socket.queue
    arguments = queue_arguments(row) if broker_is_amqp() else redis_queue_arguments(row)
    return _kombu_queue(socket_queue_name(socket=socket), row.durable, tuple(sorted(arguments.items())))
