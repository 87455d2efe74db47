"""The scaler's one write: a processor's new running concurrency, persisted with its reason,
placed on the network, audited and announced."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.core.services import audit_record
from apps.engine.events import event_publish
from apps.network.placement import processor_place
from apps.processors.models import Processor


def processor_scale(*, processor: Processor, to: int, reason: str) -> Processor:
    """Set the running concurrency to ``to`` (within the processor's bounds) and place it.

    Its deployments change their share of cpus; each agent replaces its worker without
    killing a busy call (see apps.engine.scaling). Publishes, after commit, one event
    ``{"kind": "scale", "processor", "id", "from", "to", "reason", "min", "max"}``."""
    with transaction.atomic():
        locked = Processor.objects.select_for_update().get(pk=processor.pk)
        before = locked.running_concurrency
        locked.current_concurrency, locked.last_scale_reason = to, reason[:500]
        locked.last_scaled = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["current_concurrency", "last_scale_reason", "last_scaled"])
        audit_record(by=None, obj=locked, text=f"scaled {locked} from {before} to {to}: {reason}", source="scaler")
        processor_place(processor=locked)
        low, high = locked.concurrency_bounds
        event = {"kind": "scale", "processor": locked.name, "id": str(locked.pk), "from": before, "to": to,
                 "reason": reason, "min": low, "max": high}
        transaction.on_commit(lambda: event_publish(event))
    return locked
