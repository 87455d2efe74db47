"""The call row is its own outbox: send again the queued calls whose message is gone.

A message is lost when the web process dies between the commit and the publish, or when
the broker restarts empty. Then a call stays ``queued`` with no message. The queue monitor
(apps.engine.monitor) sweeps every SWEEP_SECONDS: when a queue has more calls queued for
longer than SWEEP_GRACE_SECONDS than the broker holds messages (ready + in flight), that many
of them, oldest first, at most SWEEP_BATCH a tick, are sent again. Each one gets a new send
generation first (``Call.generation``). A worker drops a message of an older send, so a call
whose old message was still there (in a long queue) still runs once. A call sent again
more than SWEEP_MAX_RESENDS times fails with a reason a user can read.

Calls whose messages just wait in a long queue are left alone: the broker still holds as
many messages as there are such calls.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from apps.calls.models import Call, CallState
from apps.core.errors import Unavailable
from apps.engine.dispatch import call_publish
from apps.engine.events import call_event, event_publish
from apps.engine.pressure import QueueFull
from apps.engine.queues import call_destination
from apps.engine.recording import event_add

logger = logging.getLogger(__name__)

RESENT_NOTE = "Re-sent: its message was lost (send {generation})."


@dataclass
class SweepResult:
    resent: dict[str, int] = field(default_factory=dict)  # broker queue -> calls sent again
    failed: int = 0  # calls past SWEEP_MAX_RESENDS, failed


def stale_calls(*, now: datetime, grace: float):
    """The calls the sweeper may send again: queued (sent, not yet received) longer than
    ``grace`` s (a call with no generation is left alone)."""
    return Call.objects.filter(state=CallState.QUEUED, generation__isnull=False,
                               lastupdated__lt=now - timedelta(seconds=grace))


def stale_counts(*, queues: list[str], now: datetime, grace: float) -> dict[str, int]:
    """Per broker queue, its ``stale_calls``."""
    rows = (stale_calls(now=now, grace=grace).filter(queue__in=queues)
            .values("queue").annotate(n=Count("id")).order_by())
    return {row["queue"]: row["n"] for row in rows}


def calls_sweep(*, depths: dict[str, int], now: datetime | None = None, grace: float | None = None,
                batch: int | None = None) -> SweepResult:
    """Send again the lost messages of the queues in ``depths`` (broker queue -> messages
    the broker holds, ready + in flight; leave out a full or paused queue). Returns what
    it sent again, per queue. A queue refusing the send (full) or a broker that does not
    answer ends that queue's sweep for this tick."""
    now = now or timezone.now()
    grace = settings.SWEEP_GRACE_SECONDS if grace is None else grace
    batch = settings.SWEEP_BATCH if batch is None else batch
    result = SweepResult()
    stale = stale_counts(queues=list(depths), now=now, grace=grace)
    for queue, count in stale.items():
        missing = min(count - depths[queue], batch)
        if missing <= 0:
            continue
        calls = list(stale_calls(now=now, grace=grace).filter(queue=queue)
                     .select_related("socket__queue", "socket__processor").order_by("lastupdated")[:missing])
        for call in calls:
            try:
                outcome = call_resend(call=call)
            except (QueueFull, Unavailable) as error:
                logger.info("outbox: queue %s did not take a re-sent call: %s", queue, error)
                break
            if outcome == "resent":
                result.resent[queue] = result.resent.get(queue, 0) + 1
            elif outcome == "failed":
                result.failed += 1
    if result.resent or result.failed:
        logger.warning("outbox: re-sent %s lost messages (%s), failed %s calls re-sent too often",
                       sum(result.resent.values()), result.resent, result.failed)
    return result


def resent_counts(*, queues: list[str], since: datetime) -> dict[str, int]:
    """Per broker queue, its calls created since ``since`` that were sent again."""
    rows = (Call.objects.filter(queue__in=queues, generation__gt=0, created__gte=since)
            .values("queue").annotate(n=Count("id")).order_by())
    return {row["queue"]: row["n"] for row in rows}


def call_resend(*, call: Call) -> str:
    """Send ``call`` again with a new generation: "resent"; "failed" once it was sent again
    SWEEP_MAX_RESENDS times; "skipped" when a worker took it (or another sweep did) first.
    The generation is raised only while the call is still queued at the generation read, so
    exactly one sender wins and a worker holding the old message drops it."""
    generation = (call.generation or 0) + 1
    if generation > settings.SWEEP_MAX_RESENDS:
        error = (f"Its message was lost {generation} times (the broker restarted empty, or the web process "
                 f"died while sending it); it was not sent again. Run it again when the broker is stable.")
        return "failed" if _call_give_up(call=call, error=error) else "skipped"
    with transaction.atomic():
        now = timezone.now()
        won = (Call.objects.filter(pk=call.pk, state=CallState.QUEUED, generation=call.generation)
               .update(generation=F("generation") + 1, lastupdated=now))
        if not won:
            return "skipped"
        call.generation = generation
        event_add(call_id=call.pk, name="resent", note=RESENT_NOTE.format(generation=generation))
    call_publish(call=call, destination=call_destination(socket=call.socket, queue=call.queue), wait=False)
    event_publish(call_event(call=call, event="resent", state=CallState.QUEUED, generation=generation))
    return "resent"


def _call_give_up(*, call: Call, error: str) -> bool:
    """Fail a call still queued at its generation (never one a worker took meanwhile)."""
    with transaction.atomic():
        now = timezone.now()
        won = (Call.objects.filter(pk=call.pk, state=CallState.QUEUED, generation=call.generation)
               .update(state=CallState.FAILED, error=error, finished=now, lastupdated=now))
        if won:
            event_add(call_id=call.pk, name="failure", note=error)
            payload = call_event(call=call, event="failure", state=CallState.FAILED, error=error[:500])
            transaction.on_commit(lambda: event_publish(payload))
    return bool(won)
