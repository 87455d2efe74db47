"""Writes on calls through the API (the engine records calls with its own services)."""

from __future__ import annotations

from apps.calls.models import Call
from apps.core.services import object_delete


def call_delete(*, call: Call, by) -> None:
    """Delete a call with its events; its children keep running and lose their parent link."""
    object_delete(instance=call, by=by, audit=True)
