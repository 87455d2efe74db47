"""The one writer of a processor's mount fields (status, log, commit), and the mount events
every open page follows: the palette, the processors list and the processor page.

A mount event (kind ``mount``, to the ``processors`` and ``processor:<name>`` topics) is
one of: ``queued``, ``mounting``, ``stage`` (with ``stage``: cloning, environment,
installing, introspecting), ``ready`` (with ``functions``, the count, and ``commit``) or
``failed`` (with ``log``, the mount log). Each carries ``processor``, ``processor_id`` and
``status`` (the mount status after it). A status event is published once its write
commits, so a page that refetches on it reads what the event says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from apps.engine.events import event_publish
from apps.processors.models import MountStatus, Processor

if TYPE_CHECKING:  # the mounts package (git, venvs) stays out of the web process
    from apps.engine.mounts.stages import MountStage

MOUNT_KIND = "mount"


def mount_event(*, processor: Processor, event: str, **extra: Any) -> dict[str, Any]:
    """The payload of a mount event for the processor as it stands."""
    payload = {"kind": MOUNT_KIND, "event": event, "processor": processor.name,
               "processor_id": str(processor.pk), "status": processor.mount_status}
    payload.update(extra)
    return payload


def mount_status_set(*, processor: Processor, status: str, log: str = "", commit: str | None = None,
                     **event_fields: Any) -> None:
    """Write the mount status and log (and the mounted commit), on the row and on
    ``processor``; publish the event named after the status when the write commits.
    ``event_fields`` go into the event (``functions`` when ready); a failure's event
    carries its log."""
    fields = {"mount_status": status, "mount_log": log}
    if commit is not None:
        fields["mount_commit"] = commit
    Processor.objects.filter(pk=processor.pk).update(**fields)
    for name, value in fields.items():
        setattr(processor, name, value)
    if commit is not None:
        event_fields["commit"] = commit
    if status == MountStatus.FAILED:
        event_fields["log"] = log
    payload = mount_event(processor=processor, event=status, **event_fields)
    transaction.on_commit(lambda: event_publish(payload))


def mount_stage_publish(*, processor: Processor, stage: MountStage) -> None:
    """A step of a running mount has started (no field changes: the status stays mounting)."""
    event_publish(mount_event(processor=processor, event="stage", stage=str(stage)))
