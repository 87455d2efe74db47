"""Missed runs over a simulated outage follow the socket's policy: skip, run once, or run
each up to a bound; every decision is recorded once, with its run's call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.calls.models import Call
from apps.engine.models import ScheduleRun
from apps.engine.scheduling import missed_plan, schedules_tick, socket_schedule_tick
from apps.processors.models import Socket
from tests.factories import make_socket

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def every_minute(policy: str, bound: int = 10) -> Socket:
    socket = make_socket(data=["tick"])
    Socket.objects.filter(pk=socket.pk).update(schedule_type="INTERVAL", interval=60, scheduled=True,
                                               schedule_since=T0, missed_policy=policy, missed_max=bound)
    return Socket.objects.select_related("processor", "queue", "task").get(pk=socket.pk)


def decisions(socket: Socket) -> list[tuple[str, str, int, bool]]:
    rows = ScheduleRun.objects.filter(socket=socket).order_by("slot", "decision")
    return [(f"{row.slot:%H:%M}", row.decision, row.missed, row.call_id is not None) for row in rows]


def outage(socket: Socket) -> None:
    """Runs at 12:01 on time; the platform is down from 12:01 to 12:06:05; back, it ticks."""
    socket_schedule_tick(socket=socket, now=T0 + MINUTE + timedelta(seconds=1))
    socket_schedule_tick(socket=socket, now=T0 + 6 * MINUTE + timedelta(seconds=5))


def test_policy_skip_records_the_missed_runs_as_one_skip_and_runs_only_the_due_one():
    socket = every_minute("skip")
    outage(socket)
    assert decisions(socket) == [("12:01", "fired", 0, True), ("12:05", "skipped", 4, False),
                                 ("12:06", "fired", 0, True)]
    assert ScheduleRun.objects.get(socket=socket, decision="skipped").note == (
        "Skipped 4 missed runs (2026-12-07 12:02:00 to 12:05:00 UTC): policy skip.")
    assert Call.objects.filter(socket=socket).count() == 2


def test_policy_once_runs_one_call_for_all_the_missed_runs():
    socket = every_minute("once")
    outage(socket)
    assert decisions(socket) == [("12:01", "fired", 0, True), ("12:05", "caught_up", 4, True),
                                 ("12:06", "fired", 0, True)]
    caught_up = ScheduleRun.objects.get(socket=socket, decision="caught_up")
    assert caught_up.call.events.filter(name="scheduled", note__startswith="Ran once for 4 missed runs").exists()
    assert caught_up.call.arguments["args"] == ["tick"], "a scheduled run gets the socket's input"
    assert Call.objects.filter(socket=socket).count() == 3


def test_policy_all_runs_each_missed_run_up_to_its_bound_and_skips_the_older():
    socket = every_minute("all", bound=2)
    outage(socket)
    assert decisions(socket) == [("12:01", "fired", 0, True), ("12:03", "skipped", 2, False),
                                 ("12:04", "caught_up", 1, True), ("12:05", "caught_up", 1, True),
                                 ("12:06", "fired", 0, True)]
    assert Call.objects.filter(socket=socket).count() == 4


def test_a_slot_is_decided_once_however_many_schedulers_tick():
    socket = every_minute("all")
    now = T0 + 3 * MINUTE + timedelta(seconds=2)
    socket_schedule_tick(socket=socket, now=now)
    again = Socket.objects.select_related("processor", "queue", "task").get(pk=socket.pk)
    socket_schedule_tick(socket=again, now=now)  # a second scheduler, or the same one restarted
    assert [d[:2] for d in decisions(socket)] == [("12:01", "caught_up"), ("12:02", "caught_up"),
                                                  ("12:03", "fired")]
    assert Call.objects.filter(socket=socket).count() == 3


def test_a_restarted_scheduler_owes_nothing_from_before_the_schedule_was_set():
    socket = every_minute("all")
    schedules_tick(now=T0 - timedelta(hours=1))
    assert decisions(socket) == []
    assert schedules_tick(now=T0 + timedelta(seconds=20)) == pytest.approx(40.0)


def test_the_plan_of_a_late_but_not_missed_slot_is_to_run_it():
    slot = T0
    assert [(s.decision, s.missed) for s in missed_plan(due=[slot], now=T0 + timedelta(seconds=29), policy="skip",
                                                        bound=1, grace=30)] == [("fired", 0)]
    assert [(s.decision, s.missed) for s in missed_plan(due=[slot], now=T0 + timedelta(seconds=31), policy="skip",
                                                        bound=1, grace=30)] == [("skipped", 1)]


def test_the_schedules_last_runs_are_listed_newest_first_with_their_outcome(api_as):
    from tests.fixtures.api import make_user

    socket = every_minute("once")
    outage(socket)
    Call.objects.filter(pk=ScheduleRun.objects.get(socket=socket, decision="caught_up").call_id).update(
        state="finished")
    response = api_as(make_user("READ_SOCKET")).get(f"/api/sockets/{socket.pk}/schedule-runs/")
    assert response.status_code == 200, response.content
    assert [(run["slot"][11:16], run["decision"], run["missed"], run["state"]) for run in response.json()] == [
        ("12:06", "fired", 0, "queued"), ("12:05", "caught_up", 4, "finished"), ("12:01", "fired", 0, "queued")]
    assert api_as(make_user("LS_SOCKETS")).get(f"/api/sockets/{socket.pk}/schedule-runs/").status_code == 403
