"""Who may subscribe to what. ``subscription_resolve`` is the one check a subscription passes.

Rights (apps.accounts.selectors.user_has_right): ``calls:*`` needs LS_CALLS,
``processor:<name>`` and ``metrics`` READ_PROCESSOR, ``socket:<name>`` READ_SOCKET,
``queue:<name>`` READ_QUEUE, ``queues`` LS_QUEUES, ``nodes`` LS_NODES, ``run:<id>`` READ_CALL,
``flow:<name>`` READ_FLOW, ``processors`` (every processor's mount events) LS_PROCESSORS,
``sockets`` (sockets created, changed, deleted) LS_SOCKETS;
``counters`` (the dashboard header) any signed-in user.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from apps.accounts.rights import Right
from apps.accounts.selectors import user_has_right
from apps.flows.models import Flow
from apps.live.groups import CHANNEL_KINDS, Topic, topic_parse
from apps.network.models import Queue
from apps.processors.models import Processor, Socket

TOPIC_RIGHTS: dict[str, str | None] = {
    "calls:all": Right.LS_CALLS, "run": Right.READ_CALL, "processor": Right.READ_PROCESSOR,
    "socket": Right.READ_SOCKET, "queue": Right.READ_QUEUE, "flow": Right.READ_FLOW,
    "metrics": Right.READ_PROCESSOR, "nodes": Right.LS_NODES, "queues": Right.LS_QUEUES, "counters": None,
    "processors": Right.LS_PROCESSORS, "sockets": Right.LS_SOCKETS,
}
_NAMED_MODELS = {"processor": Processor, "socket": Socket, "queue": Queue, "flow": Flow}


@dataclass(frozen=True)
class Subscription:
    topic: Topic
    channel: str | None  # task | log | metric, or None for every event


class Refused(Exception):
    """A subscription the server will not make; the message says why."""


def subscription_resolve(*, user, topic: object, channel: object = None) -> Subscription:
    """The subscription ``user`` asked for, or Refused. ``flow listen`` may send
    ``NAME.CHANNEL`` (e.g. ``proc1.task``): NAME is a processor, else a socket, else a queue."""
    wanted = _channel(channel)
    parsed = topic_parse(topic)
    if parsed is None:
        parsed, wanted = _legacy_topic(topic, wanted, user=user)
    right = TOPIC_RIGHTS[parsed.kind]
    if right is not None and not user_has_right(user, right):
        raise Refused(f"You need the {right} right to subscribe to {parsed}.")
    _exists_or_refuse(parsed)
    return Subscription(topic=parsed, channel=wanted)


def _channel(channel: object) -> str | None:
    """The channel asked for (None: every event). Not text (a list, say) is refused like an
    unknown name; it was looked up in CHANNEL_KINDS and raised TypeError (unhashable)."""
    if channel is not None and (not isinstance(channel, str) or channel not in CHANNEL_KINDS):
        raise Refused(f"Unknown channel {str(channel)[:100]!r}: use task, log or metric.")
    return channel


def _legacy_topic(topic: object, channel: str | None, *, user) -> tuple[Topic, str | None]:
    """``NAME.CHANNEL``: NAME is a processor, socket or queue, or a broker queue
    (``QUEUE.PROCESSOR``), looked up only among the kinds the user may read, so a name that
    does not exist and one the user may not read get the same answer."""
    name, _, suffix = str(topic).rpartition(".")
    if not isinstance(topic, str) or suffix not in CHANNEL_KINDS or not name:
        raise Refused(f"Unknown topic {str(topic)[:100]!r}: use calls:all, run:<id>, processor:<name>, "
                      "socket:<name>, queue:<name>, flow:<name>, metrics, nodes, queues, "
                      "processors, sockets or counters.")
    for kind in ("processor", "socket", "queue"):
        right = TOPIC_RIGHTS[kind]
        readable = right is None or user_has_right(user, right)
        if readable and _NAMED_MODELS[kind]._default_manager.filter(name=name).exists():
            return Topic(kind=kind, name=name), channel or suffix
    queue = _broker_queue(name) if user_has_right(user, Right.READ_QUEUE) else None
    if queue is not None:
        return Topic(kind="queue", name=queue), channel or suffix
    raise Refused(f"No processor, socket or queue named {name!r} that you may read.")


def _broker_queue(name: str) -> str | None:
    """The queue of a broker queue name as ``flow ls queues`` shows it (``QUEUE.PROCESSOR``,
    the specification's ``pyfi.queue1.proc1``), or None."""
    queue, _, processor = name.rpartition(".")
    if not queue or not Processor.objects.filter(name=processor).exists():
        return None
    return queue if Queue.objects.filter(name=queue).exists() else None


def _exists_or_refuse(topic: Topic) -> None:
    if topic.kind == "run":
        try:
            uuid.UUID(topic.name)
        except ValueError:
            raise Refused(f"{topic.name!r} is not a run id.") from None
    model = _NAMED_MODELS.get(topic.kind)
    if model is not None and not model._default_manager.filter(name=topic.name).exists():
        raise Refused(f"No {topic.kind} is named {topic.name!r}.")
