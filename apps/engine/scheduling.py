"""Firing sockets' schedules: each slot once, and missed slots by the socket's policy.

``schedules_tick`` runs in the elected scheduler (apps.engine.beat) about once a second. For
each active schedule it takes the slots due since its clock (the latest decided slot, or
``schedule_since``), and decides: a slot at most ``SCHEDULE_MISSED_AFTER`` seconds late runs
(``fired``); older ones were missed (the platform down, the scheduler stopped) and follow the
socket's ``missed_policy``: ``skip`` (one ``skipped`` row for them all), ``once`` (one run,
``caught_up``), ``all`` (each of the latest ``missed_max`` runs, the older ones ``skipped``).
Every decision is a ScheduleRun row (one per slot: a second scheduler inserts nothing for a
slot already decided, so it never fires twice), a ``schedule`` event on the live stream, and
for a run an event on its call. A run refused by a full queue is ``refused`` (not retried:
the next slot tries again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.calls.models import Call
from apps.core.errors import Unavailable
from apps.engine.dispatch import call_submit
from apps.engine.events import event_publish
from apps.engine.models import ScheduleDecision, ScheduleRun
from apps.engine.pressure import QueueFull
from apps.engine.recording import event_add
from apps.processors.models import MissedPolicy, Socket
from apps.processors.schedules import socket_slots_after

logger = logging.getLogger(__name__)

SCAN_MAX = 100_000  # slots counted per socket per tick at most (a long outage of a fast schedule)
IDLE_WAIT = 60.0


@dataclass(frozen=True)
class Step:
    slot: datetime
    decision: str
    missed: int = 0
    note: str = ""

    @property
    def runs(self) -> bool:
        return self.decision in (ScheduleDecision.FIRED, ScheduleDecision.CAUGHT_UP)


def _span(slots: list[datetime]) -> str:
    first, last = slots[0], slots[-1]
    return f"{first:%Y-%m-%d %H:%M:%S} UTC" if first == last else f"{first:%Y-%m-%d %H:%M:%S} to {last:%H:%M:%S} UTC"


def missed_plan(*, due: list[datetime], now: datetime, policy: str, bound: int, grace: float) -> list[Step]:
    """The decisions for the slots ``due`` (in order, all at or before ``now``)."""
    late = [slot for slot in due if (now - slot).total_seconds() > grace]
    on_time = due[len(late):]
    steps: list[Step] = []
    if late:
        count = len(late)
        what = f"{count} missed run{'s' if count > 1 else ''} ({_span(late)})"
        if policy == MissedPolicy.SKIP:
            steps.append(Step(late[-1], ScheduleDecision.SKIPPED, count, f"Skipped {what}: policy skip."))
        elif policy == MissedPolicy.ONCE:
            steps.append(Step(late[-1], ScheduleDecision.CAUGHT_UP, count, f"Ran once for {what}: policy once."))
        else:
            older, kept = late[:-bound] if count > bound else [], late[-bound:]
            if older:
                steps.append(Step(older[-1], ScheduleDecision.SKIPPED, len(older),
                                  f"Skipped {len(older)} of {what}: policy all runs the latest {bound}."))
            steps += [Step(slot, ScheduleDecision.CAUGHT_UP, 1, f"Ran missed run of {slot:%Y-%m-%d %H:%M:%S} UTC "
                                                                f"({what}): policy all.") for slot in kept]
    late_by = lambda slot: (now - slot).total_seconds()  # noqa: E731
    steps += [Step(slot, ScheduleDecision.FIRED, 0, f"On time (late by {late_by(slot):.1f} s).") for slot in on_time]
    return steps


def schedule_clock(socket: Socket) -> datetime:
    """Where the socket's schedule stands: its latest decided slot, or when its clock started."""
    latest = socket.schedule_runs.aggregate(latest=Max("slot"))["latest"]
    since = socket.schedule_since or socket.created
    return max(latest, since) if latest else since


def socket_schedule_tick(*, socket: Socket, now: datetime) -> float:
    """Decide the socket's due slots; returns the seconds until its next slot."""
    slots = socket_slots_after(socket, schedule_clock(socket))
    due: list[datetime] = []
    for slot in islice(slots, SCAN_MAX):
        if slot > now:
            return _after(socket, due, now, slot)
        due.append(slot)
    # More than SCAN_MAX due: decide those (the rest follow on the next ticks).
    _after(socket, due, now, now)
    return 0.0


def _after(socket: Socket, due: list[datetime], now: datetime, upcoming: datetime) -> float:
    if due:
        plan = missed_plan(due=due, now=now, policy=socket.missed_policy, bound=socket.missed_max,
                           grace=settings.SCHEDULE_MISSED_AFTER)
        for step in plan:
            schedule_step_record(socket=socket, step=step)
    return max(0.0, (upcoming - now).total_seconds())


def schedule_step_record(*, socket: Socket, step: Step) -> ScheduleRun | None:
    """Record one decision and make its run; None when the slot was decided already."""
    run = ScheduleRun(socket=socket, slot=step.slot, decision=step.decision, missed=step.missed, note=step.note)
    try:
        with transaction.atomic():
            ScheduleRun.objects.bulk_create([run], ignore_conflicts=True)
            if not ScheduleRun.objects.filter(pk=run.pk).exists():
                return None  # another scheduler decided this slot
            if step.runs:
                _fire(socket=socket, run=run)
            transaction.on_commit(lambda: event_publish(_event(socket, run)))
    except Unavailable as error:  # the broker is down: the call is failed with the reason
        logger.warning("schedule of %s: %s", socket.name, error.message)
    return run


def _fire(*, socket: Socket, run: ScheduleRun) -> None:
    args, kwargs = schedule_input(socket)
    try:
        call = call_submit(socket=socket, args=args, kwargs=kwargs)
    except QueueFull as full:  # back pressure: this slot is not run, the next one tries again
        run.decision, run.note = ScheduleDecision.REFUSED, f"{run.note} Not run: {full.message}"[:500]
        run.save(update_fields=["decision", "note"])
        return
    run.call = call
    run.save(update_fields=["call"])
    event_add(call_id=call.pk, name="scheduled", note=run.note)


def _event(socket: Socket, run: ScheduleRun) -> dict:
    return {"kind": "schedule", "event": run.decision, "socket": socket.name,
            "processor": socket.processor.name, "slot": run.slot.isoformat(), "missed": run.missed,
            "note": run.note, "call": str(run.call_id) if run.call_id else None}


def schedule_input(socket: Socket) -> tuple[list, dict]:
    """``data`` may be a list (positional arguments), an object with "args"/"kwargs", or one value."""
    data = socket.data
    if isinstance(data, list):
        return data, {}
    if isinstance(data, dict) and set(data) <= {"args", "kwargs"} and data:
        return list(data.get("args", [])), dict(data.get("kwargs", {}))
    return ([] if data is None else [data]), {}


def active_schedules():
    return (Socket.objects.filter(scheduled=True, enabled=True).exclude(schedule_type="")
            .exclude(processor__requested_status="paused")
            .select_related("processor", "queue", "task").order_by("name"))


def schedules_tick(*, now: datetime | None = None) -> float:
    """Decide every active schedule's due slots; returns the seconds until the next slot."""
    now = now or timezone.now()
    wait = IDLE_WAIT
    for socket in active_schedules():
        try:
            wait = min(wait, socket_schedule_tick(socket=socket, now=now))
        except Exception:  # one broken schedule must not stop the others
            logger.exception("schedule of %s failed", socket.name)
    return wait


def schedule_runs(*, socket: Socket, limit: int = 20) -> list[ScheduleRun]:
    """The socket's latest decisions, newest first, with their calls (the outcome)."""
    return list(socket.schedule_runs.select_related("call").order_by("-slot")[:limit])


def schedule_fire(*, socket_id: str) -> Call | None:
    """Kept for messages an older beat (django-celery-beat) may have left on the platform
    queue: the elected scheduler fires schedules now, so such a message is dropped (None)."""
    logger.info("a schedule message of the old beat for socket %s was dropped", socket_id)
    return None

