"""A socket's schedule (interval or cron) kept as a django-celery-beat PeriodicTask.

The beat scheduler reads these rows from the database; each firing sends
``elasticcode.fire_schedule`` (engine) to the platform queue, which starts a new run of
the socket with its configured input. Socket services call these functions whenever a
socket is created, changed, paused or deleted, so the schedule follows the socket.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from apps.core.errors import BadRequest
from apps.processors.models import ScheduleType, Socket

FIRE_TASK = "elasticcode.fire_schedule"
PLATFORM_QUEUE = "elasticcode.platform"


def _task_name(socket_id) -> str:
    return f"socket:{socket_id}"


def _crontab(expression: str) -> CrontabSchedule:
    fields = expression.split()
    if len(fields) != 5:
        raise BadRequest("The schedule is not valid.",
                         detail={"cron": ["Use five fields: minute hour day-of-month month day-of-week."]})
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year,
        day_of_week=day_of_week, timezone="UTC",
    )
    return schedule


def _schedule_fields(socket: Socket) -> dict:
    if socket.schedule_type == ScheduleType.CRON:
        return {"crontab": _crontab(socket.cron), "interval": None}
    if not socket.interval or socket.interval < 1:
        raise BadRequest("The schedule is not valid.", detail={"interval": ["Give an interval of 1 s or more."]})
    interval, _ = IntervalSchedule.objects.get_or_create(every=socket.interval, period=IntervalSchedule.SECONDS)
    return {"interval": interval, "crontab": None}


# What a scheduled socket runs, with what input, and whether it fires: changing one of
# these on a socket that has a schedule starts tasks, so it needs RUN_TASK.
SCHEDULE_FIELDS = ("schedule_type", "scheduled", "cron", "interval", "data", "task", "processor", "enabled")


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


def socket_schedule_sync(*, socket: Socket) -> PeriodicTask | None:
    """Create, update or remove the socket's PeriodicTask to match the socket."""
    if not socket.schedule_type:
        socket_schedule_delete(socket_id=socket.pk)
        return None
    enabled = socket.scheduled and socket.enabled and socket.processor.requested_status != "paused"
    task, _ = PeriodicTask.objects.update_or_create(
        name=_task_name(socket.pk),
        defaults={
            **_schedule_fields(socket), "task": FIRE_TASK, "queue": PLATFORM_QUEUE,
            "kwargs": json.dumps({"socket_id": str(socket.pk)}), "enabled": enabled,
            "description": f"Runs {socket.name}",
        },
    )
    return task


def socket_schedule_delete(*, socket_id) -> None:
    PeriodicTask.objects.filter(name=_task_name(socket_id)).delete()


def socket_next_firings(*, socket: Socket, count: int = 3) -> list[datetime]:
    """The next firing times of the socket's schedule (empty when it has none or is off).

    Interval schedules list ``count`` firings; cron schedules list the next one."""
    task = PeriodicTask.objects.filter(name=_task_name(socket.pk), enabled=True).first()
    if task is None:
        return []
    now = timezone.now()
    if task.interval is not None:
        every = task.interval.schedule.run_every
        start = (task.last_run_at or now) + every
        while start < now:
            start += every
        return [start + every * i for i in range(count)]
    return [now + task.crontab.schedule.remaining_estimate(now)]
