"""A socket's schedule: when it fires (cron in UTC, or every N seconds), checked and previewed.

A schedule's times are its slots: for a cron schedule the times its expression names (in
UTC), for an interval schedule ``schedule_since + k * interval``. ``schedule_since`` is when
the schedule's clock started (the schedule set or changed, its processor resumed): slots
before it are not owed. The elected scheduler (apps.engine.scheduling, run by ``celery
beat`` with apps.engine.beat) fires the slots and follows each socket's missed-run policy.
Socket services call ``socket_schedule_sync`` whenever a socket is created or changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError
from django.utils import timezone

from apps.core.errors import BadRequest
from apps.processors.models import ScheduleType, Socket

PREVIEW_COUNT = 5
CRON_HELP = "Use five fields: minute hour day-of-month month day-of-week, in UTC (e.g. */15 * * * *)."

# What a scheduled socket runs, with what input, and whether it fires: changing one of
# these on a socket that has a schedule starts tasks, so it needs RUN_TASK.
SCHEDULE_FIELDS = ("schedule_type", "scheduled", "cron", "interval", "data", "task", "processor", "enabled",
                   "missed_policy", "missed_max")
# What decides the slots: a change restarts the schedule's clock (the old slots are not owed).
CLOCK_FIELDS = ("schedule_type", "scheduled", "cron", "interval", "enabled")


def cron_check(expression: str) -> None:
    """Raise BadRequest (field ``cron``) naming what is wrong with a cron expression."""
    try:
        CronSim(expression, datetime(2000, 1, 1, tzinfo=UTC))
    except (CronSimError, ValueError) as error:
        reason = str(error).rstrip(".") or "not a cron expression"
        raise BadRequest(f"The cron expression '{expression}' is not valid: {reason[:1].lower()}{reason[1:]}.",
                         detail={"cron": [f"{reason}. {CRON_HELP}"]}) from None


def schedule_check(*, schedule_type: str, cron: str, interval: int | None) -> None:
    """Raise BadRequest naming what is wrong with a schedule (nothing when it has none)."""
    if schedule_type == ScheduleType.CRON:
        if not (cron or "").strip():
            raise BadRequest("The schedule is not valid: give a cron expression.",
                             detail={"cron": [f"Give a cron expression. {CRON_HELP}"]})
        cron_check(cron.strip())
    elif schedule_type == ScheduleType.INTERVAL:
        if not interval or interval < 1:
            raise BadRequest("The schedule is not valid: give an interval of 1 s or more.",
                             detail={"interval": ["Give an interval of 1 s or more."]})
    elif schedule_type:
        raise BadRequest("The schedule is not valid: use CRON, INTERVAL or nothing.",
                         detail={"schedule_type": ["Use CRON, INTERVAL or nothing."]})


def slots_after(*, schedule_type: str, cron: str, interval: int | None, since: datetime,
                after: datetime) -> Iterator[datetime]:
    """The schedule's slots strictly after ``after``, in order (UTC)."""
    if schedule_type == ScheduleType.CRON:
        yield from CronSim(cron.strip(), after.astimezone(UTC))
        return
    every = timedelta(seconds=interval or 1)
    steps = max(0, int((after - since) / every) + 1)
    slot = since + every * steps
    while slot <= after:  # float rounding
        slot += every
    while True:
        yield slot
        slot += every


def socket_slots_after(socket: Socket, after: datetime) -> Iterator[datetime]:
    return slots_after(schedule_type=socket.schedule_type, cron=socket.cron, interval=socket.interval,
                       since=socket.schedule_since or socket.created, after=after)


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; BadRequest (field ``timezone``) when there is none."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadRequest(f"Unknown time zone '{name}'.",
                         detail={"timezone": ["Give an IANA time zone name, e.g. Europe/Paris."]}) from None


def schedule_preview(*, schedule_type: str, cron: str = "", interval: int | None = None, zone: str = "UTC",
                     now: datetime | None = None, count: int = PREVIEW_COUNT) -> dict:
    """The next ``count`` runs of a proposed schedule, in UTC and in ``zone`` (an interval
    schedule starts its clock when saved: now). Raises BadRequest naming what is wrong."""
    if not schedule_type:
        raise BadRequest("The schedule is not valid: choose CRON or INTERVAL.",
                         detail={"schedule_type": ["Choose CRON or INTERVAL."]})
    schedule_check(schedule_type=schedule_type, cron=cron, interval=interval)
    local = time_zone(zone)
    now = now or timezone.now()
    slots = slots_after(schedule_type=schedule_type, cron=cron, interval=interval, since=now, after=now)
    runs = [next(slots) for _ in range(count)]
    return {"timezone": local.key, "runs": [{"utc": run.astimezone(UTC).isoformat(),
                                             "local": run.astimezone(local).isoformat()} for run in runs]}


def schedule_write_runs_tasks(*, socket: Socket | None, fields: dict) -> bool:
    """True when creating (``socket`` None) or changing a socket with ``fields`` leaves it
    with a schedule that is new or differs in what, when or with what input it runs."""
    if not fields.get("schedule_type", socket.schedule_type if socket else ""):
        return False  # no schedule, nothing fires (removing one needs no RUN_TASK)
    if socket is None:
        return True
    current = {name: getattr(socket, name) for name in SCHEDULE_FIELDS}
    current["task"] = socket.task.name
    wanted = dict(fields)
    if "task" in wanted:
        wanted["task"] = getattr(wanted["task"], "name", wanted["task"])  # a Task or its name
    return any(name in wanted and wanted[name] != current[name] for name in SCHEDULE_FIELDS)


def schedule_clock(socket: Socket) -> tuple:
    """What the socket's slots depend on; a change restarts its clock."""
    return tuple(getattr(socket, name) for name in CLOCK_FIELDS)


def socket_schedule_sync(*, socket: Socket, clock_before: tuple | None = None, restart: bool = False) -> None:
    """Check the socket's schedule (BadRequest naming what is wrong) and restart its clock
    when it is new (``clock_before`` None), its slots changed, or ``restart`` (its processor
    resumed): the runs missed before are not owed."""
    schedule_check(schedule_type=socket.schedule_type, cron=socket.cron, interval=socket.interval)
    if not socket.schedule_type:
        return
    if restart or clock_before is None or clock_before != schedule_clock(socket):
        socket.schedule_since = timezone.now()
        Socket.objects.filter(pk=socket.pk).update(schedule_since=socket.schedule_since)


def socket_next_firings(*, socket: Socket, count: int = 3, now: datetime | None = None) -> list[datetime]:
    """The next firing times of the socket's schedule (empty when it has none or is off)."""
    if not (socket.schedule_type and socket.scheduled and socket.enabled):
        return []
    if socket.processor.requested_status == "paused":
        return []
    try:
        slots = socket_slots_after(socket, now or timezone.now())
        return [next(slots) for _ in range(count)]
    except (CronSimError, ValueError):  # a cron saved before expressions were checked
        return []
