"""Topics and the Channels group each one is delivered through.

A topic names what a client listens to: ``calls:all``, ``run:<uuid>``, ``processor:<name>``,
``socket:<name>``, ``queue:<name>``, ``flow:<name>``, ``metrics``, ``nodes``, ``queues``,
``counters``, ``processors`` (every processor's mount events and run status), ``sockets`` (sockets created,
changed and deleted). ``group_name`` is the only place a group name is built.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

GROUP_PREFIX = "live."
# Channels allows ASCII letters, digits, hyphens, underscores and periods, under 100 characters.
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_MAX_GROUP = 99

#: Topics that carry no object name.
PLAIN_TOPICS = frozenset({"calls:all", "metrics", "nodes", "queues", "counters", "processors", "sockets"})
#: Topics of the form ``kind:<name>``.
NAMED_KINDS = frozenset({"run", "processor", "socket", "queue", "flow"})
#: What a subscription's ``channel`` keeps, by event kind.
CHANNEL_KINDS = {"task": "call", "log": "log", "metric": "metric"}


@dataclass(frozen=True)
class Topic:
    kind: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}" if self.kind in NAMED_KINDS else self.kind


def topic_parse(raw: object) -> Topic | None:
    """The topic a client asked for, or None when it is not one."""
    if not isinstance(raw, str) or not 0 < len(raw) <= 300:
        return None
    if raw in PLAIN_TOPICS:
        return Topic(kind=raw)
    kind, sep, name = raw.partition(":")
    if sep and kind in NAMED_KINDS and name.strip():
        return Topic(kind=kind, name=name)
    return None


def group_name(topic: Topic | str) -> str:
    """The Channels group of a topic: ``live.<kind>.<name>`` when that is a valid group name
    (kinds hold no period, so it is unambiguous), else a readable stem and a hash."""
    text = str(topic)
    readable = GROUP_PREFIX + text.replace(":", ".", 1)
    if not _UNSAFE.search(readable) and len(readable) <= _MAX_GROUP:
        return readable
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"{_UNSAFE.sub('_', readable)[:_MAX_GROUP - 34]}~{digest}".replace("~", "-")


def event_topics(event: dict, *, queue: str | None = None, flows: tuple[str, ...] = ()) -> list[str]:
    """Every topic an event belongs to. ``queue`` and ``flows`` come from the directory
    (events carry socket and processor names, not the socket's queue or its flows)."""
    kind = event.get("kind")
    if kind in _SNAPSHOT_TOPIC:
        named = [f"queue:{event['name']}"] if kind == "queue" and event.get("name") else []
        return [_SNAPSHOT_TOPIC[kind], *named]
    if kind in ("mount", "processor"):  # mount status and steps (apps.engine.mount_status), a run status
        return ["processors", f"processor:{event['processor']}"] if event.get("processor") else []
    if kind == "socket":  # a socket created, changed or deleted (apps.processors.events)
        return _socket_topics(event)
    # scale, schedule: the autoscaler's and the scheduler's decisions
    if kind not in ("call", "log", "metric", "scale", "schedule"):
        return []
    topics = ["calls:all"] if kind == "call" else ["metrics"] if kind == "metric" else []
    if event.get("run"):
        topics.append(f"run:{event['run']}")
    if event.get("socket"):
        topics.append(f"socket:{event['socket']}")
    if queue and kind != "metric":
        topics.append(f"queue:{queue}")
    if event.get("processor"):
        topics.append(f"processor:{event['processor']}")
        topics.extend(f"flow:{flow}" for flow in flows)
    return topics


def _socket_topics(event: dict) -> list[str]:
    processors = [event.get("processor"), event.get("previous_processor")]
    named = [f"socket:{event['socket']}"] if event.get("socket") else []
    return ["sockets", *named, *(f"processor:{name}" for name in processors if name)]


# "queues": the queue monitor's one event per tick listing every queue that changed.
_SNAPSHOT_TOPIC = {"node": "nodes", "queue": "queues", "queues": "queues", "counters": "counters"}
