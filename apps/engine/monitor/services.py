"""What a monitor tick writes: the samples into ``queuelog``, old samples out, and one live
event carrying the queues whose figures changed. And emptying a queue (``queue_purge``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.calls.models import Call, CallState, Event
from apps.core.services import audit_record
from apps.engine.events import call_event, event_publish
from apps.engine.monitor.contents import broker_purge
from apps.engine.monitor.sampling import QueueSample
from apps.engine.monitor.selectors import broker_queue_find
from apps.network.models import QueueLog

MAX_EVENT_QUEUES = 2000
PURGE_BATCH = 1000


QUEUELOG_COLUMNS = ("queue_id", "processor_id", "name", "created", "ready", "inflight", "consumers", "arrival_rate",
                    "completion_rate", "oldest_age", "state", "joined")
QUEUELOG_BATCH = 500  # rows per INSERT: 6,000 parameters, within SQLite's limit too


def queuelog_write(*, samples: list[QueueSample], at: datetime) -> int:
    """One INSERT for the tick. Every row shares ``at``: the newest tick of a queue row is
    the set of its newest samples.

    Plain SQL with one VALUES list, not ``bulk_create``: the ORM's per-field preparation of
    200 model instances was 40% of a tick's CPU (bench/elastic.py, monitor cost)."""
    if not samples:
        return 0
    created = connection.ops.adapt_datetimefield_value(at)
    db_id = _db_id if not connection.features.has_native_uuid_field else _same  # asked once, not per value
    rows = [(db_id(s.target.queue_id), db_id(s.target.processor_id), s.name, created, s.ready, s.inflight,
             s.consumers, s.arrival_rate, s.completion_rate, s.oldest_age, s.state, s.joined) for s in samples]
    table = connection.ops.quote_name(QueueLog._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in QUEUELOG_COLUMNS)
    row_sql = "(" + ", ".join(["%s"] * len(QUEUELOG_COLUMNS)) + ")"
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), QUEUELOG_BATCH):
            batch = rows[start:start + QUEUELOG_BATCH]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(batch))}",
                           [value for row in batch for value in row])
    return len(rows)


def _db_id(value):
    """A uuid key as SQLite stores it (32 hex digits); PostgreSQL takes the uuid (``_same``)."""
    return None if value is None else value.hex


def _same(value):
    return value


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
    inflight, consumers, arrival_rate, completion_rate, oldest_age, state, max_length, joined}]}``."""
    if samples:
        event_publish({"kind": "queues", "event": "sample", "at": at.isoformat(),
                       "queues": [s.event() for s in samples[:MAX_EVENT_QUEUES]]})


@dataclass(frozen=True)
class QueuePurged:
    name: str
    purged: int  # messages removed from the broker
    cancelled: int  # calls that were queued and are now cancelled


def queue_purge(*, name: str, by, broker_url: str | None = None) -> QueuePurged:
    """Empty the broker queue ``name`` and cancel the queued calls sent on it, so none is left
    queued with no message. Writes an audit entry and one ``purged`` event per call.

    The broker goes first, then the calls table: a call recorded before the purge either
    lost its message to it or sends it later, to a worker that skips a cancelled call; a
    call recorded after it keeps both. Messages delivered but not acknowledged stay with
    their workers (their calls are past queued). Raises ``NotFound`` for a name no socket
    or plug sends to, ``Unavailable`` when the broker does not answer (nothing is cancelled)."""
    destination = broker_queue_find(name=name)
    purged = broker_purge(broker_url or settings.CELERY_BROKER_URL, name)
    who = getattr(by, "username", None) or "system"
    with transaction.atomic():
        calls = list(Call.objects.select_for_update(of=("self",)).select_related("socket__processor")
                     .filter(queue=name, state=CallState.QUEUED).order_by("created"))
        now = timezone.now()
        for start in range(0, len(calls), PURGE_BATCH):
            Call.objects.filter(pk__in=[c.pk for c in calls[start:start + PURGE_BATCH]]).update(
                state=CallState.CANCELLED, finished=now, lastupdated=now)
        note = f"Purged by {who} from queue {name}"[:500]
        Event.objects.bulk_create([Event(call_id=c.pk, name="purged", note=note) for c in calls],
                                  batch_size=PURGE_BATCH)
        audit_record(by=by, obj=destination.row, source="api",
                     text=f"purged queue {name}: {purged} messages removed, {len(calls)} queued calls cancelled")
        payloads = [call_event(call=c, event="cancelled", state=CallState.CANCELLED, reason="purged") for c in calls]
        transaction.on_commit(lambda: _publish_all(payloads))
    return QueuePurged(name=name, purged=purged, cancelled=len(calls))


def _publish_all(payloads: list[dict]) -> None:
    for payload in payloads:
        event_publish(payload)
