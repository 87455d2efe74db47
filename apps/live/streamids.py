"""Event stream ids (``<millis>-<serial>``): what a ``sid`` stands for, and their order."""

from __future__ import annotations

import re

STREAM_ID = re.compile(r"^(\d{1,20})-(\d{1,20})")
START = "0-0"


def stream_id(raw: object) -> str | None:
    """The stream id a ``sid`` stands for (a log event's ``<id>-log`` is its call event's
    id), or None (a snapshot's sid, or not an id)."""
    match = STREAM_ID.match(raw) if isinstance(raw, str) else None
    return f"{match[1]}-{match[2]}" if match else None


def id_key(raw: str) -> tuple[int, int]:
    millis, _, serial = raw.partition("-")
    return int(millis), int(serial or 0)
