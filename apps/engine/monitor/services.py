"""What a monitor tick writes: the samples into ``queuelog``, old samples out, and one live
event carrying the queues whose figures changed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from apps.engine.events import event_publish
from apps.engine.monitor.sampling import QueueSample
from apps.network.models import QueueLog

MAX_EVENT_QUEUES = 2000


def queuelog_write(*, samples: list[QueueSample], at: datetime) -> int:
    """One INSERT for the tick. Every row shares ``at``: the newest tick of a queue row is
    the set of its newest samples."""
    rows = [QueueLog(
        queue_id=s.target.queue_id, processor_id=s.target.processor_id, name=s.name, created=at, ready=s.ready,
        inflight=s.inflight, consumers=s.consumers, arrival_rate=s.arrival_rate,
        completion_rate=s.completion_rate, oldest_age=s.oldest_age, state=s.state,
    ) for s in samples]
    QueueLog.objects.bulk_create(rows)
    return len(rows)


def queuelog_prune(*, retention: float, now: datetime | None = None) -> int:
    """Delete samples older than ``retention`` seconds; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=retention)
    deleted, _ = QueueLog.objects.filter(created__lt=cutoff).delete()
    return deleted


def samples_changed(samples: list[QueueSample], published: dict[str, tuple]) -> list[QueueSample]:
    """The samples whose figures differ from the last ones published (``published`` is
    updated: name -> figures)."""
    changed = [s for s in samples if published.get(s.name) != s.figures()]
    for s in changed:
        published[s.name] = s.figures()
    return changed


def samples_publish(*, samples: list[QueueSample], at: datetime) -> None:
    """ONE event for the tick (kind ``queues``, topic ``queues``) listing the changed queues:
    ``{"kind": "queues", "event": "sample", "at", "queues": [{name, queue, processor, ready,
    inflight, consumers, arrival_rate, completion_rate, oldest_age, state, max_length}]}``."""
    if samples:
        event_publish({"kind": "queues", "event": "sample", "at": at.isoformat(),
                       "queues": [s.event() for s in samples[:MAX_EVENT_QUEUES]]})
