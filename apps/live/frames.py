"""A frame as the text sent on the websocket, each event encoded once per process.

The channel layer hands one batch message to every connection of a process that is in the
topic's group: the same event objects, not copies (channels_redis sends a group one message
per process). Their JSON is kept by object, so a batch that reaches a hundred connections is
encoded once, not a hundred times. The cache holds the events it keeps a text for, so an
object's id is never reused while it is in there."""

from __future__ import annotations

import json
from typing import Any

TEXTS_MAX = 20_000  # events remembered: a few seconds at 1,000 events/s


class EventTexts:
    def __init__(self, size: int = TEXTS_MAX) -> None:
        self.size = size
        self._texts: dict[int, tuple[dict[str, Any], str]] = {}

    def text(self, event: dict[str, Any]) -> str:
        kept = self._texts.get(id(event))
        if kept is not None:
            return kept[1]
        text = json.dumps(event)
        self._texts[id(event)] = (event, text)
        if len(self._texts) > self.size:  # oldest first (dicts keep insertion order)
            del self._texts[next(iter(self._texts))]
        return text


TEXTS = EventTexts()


def frame_text(frame: dict[str, Any], texts: EventTexts = TEXTS) -> str:
    """``json.dumps(frame)``, with the events' JSON taken from ``texts``."""
    events = frame.get("events")
    if not isinstance(events, list):
        return json.dumps(frame)
    head = json.dumps({key: value for key, value in frame.items() if key != "events"})[:-1]
    joined = ", ".join(texts.text(event) for event in events)
    return f'{head}{", " if len(head) > 1 else ""}"events": [{joined}]}}'
