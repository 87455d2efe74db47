"""Schedules on real beats: an interval schedule fires on time and stops with its socket, and
of two beat processes exactly one fires, one run per slot, also across the leader's death."""

from __future__ import annotations

import itertools
import json
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings

from apps.calls.models import Call, CallState
from apps.engine.beat import KEY_PREFIX
from apps.engine.models import ScheduleRun
from apps.processors.models import ScheduleType, Socket
from apps.processors.schedules import socket_next_firings
from apps.processors.services import socket_delete, socket_update
from tests.fixtures.engine import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

LEADS = "this beat fires the schedules now"


@pytest.fixture
def lease_free():
    """No lease left by another test's beat (it would hold the schedules for its TTL)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(*client.keys(f"{KEY_PREFIX}*") or [KEY_PREFIX])
    return client


def every_second(name: str) -> Socket:
    socket = Socket.objects.get(name=name)
    return socket_update(socket=socket, by=None, fields={
        "schedule_type": ScheduleType.INTERVAL, "interval": 1, "scheduled": True, "data": ["tick"]})


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_an_interval_schedule_fires_on_time_and_stops_when_the_socket_is_deleted(
    proc1, start_worker, start_scheduler, lease_free
):
    processes = [start_worker("proc1"), *start_scheduler()]
    wait_for(lambda: LEADS in processes[1].log(), what="the beat leading", processes=processes)
    socket = every_second("pyfi.processors.sample.echo")  # set now: no run is owed from before
    assert len(socket_next_firings(socket=socket)) == 3
    calls = Call.objects.filter(socket=socket, state=CallState.FINISHED)
    wait_for(lambda: calls.count() >= 4, timeout=45, what="four scheduled runs", processes=processes)
    finished = sorted(calls, key=lambda c: c.created)
    assert all(call.result == "tick" for call in finished)
    assert len({call.tracking for call in finished}) == len(finished), "each firing starts a new run"
    gaps = [(b.created - a.created).total_seconds() for a, b in itertools.pairwise(finished)]
    assert all(0.5 < gap < 2.5 for gap in gaps[1:3]), f"one run a second after the first: {gaps}"

    socket_name = socket.name
    socket_delete(socket=socket, by=None)
    before = Call.objects.filter(name=socket_name).count()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:  # absence can only be shown by watching for a while
        assert Call.objects.filter(name=socket_name).count() == before
        time.sleep(0.2)


def _slots_are_one_run_each(socket: Socket) -> list:
    runs = list(ScheduleRun.objects.filter(socket=socket).order_by("slot"))
    slots = [run.slot for run in runs]
    assert [b - a for a, b in itertools.pairwise(slots)] == [timedelta(seconds=1)] * (len(slots) - 1), (
        f"one decision a second, none missing: {slots}")
    assert {run.decision for run in runs} == {"fired"}, [(run.slot, run.decision, run.note) for run in runs]
    calls = Call.objects.filter(socket=socket)
    assert calls.count() == len(runs) == len({run.call_id for run in runs}), "one call per slot"
    return runs


def _events_of(client: redis.Redis, socket: Socket, after: str) -> set[str]:
    """The slots of the socket's schedule events on the live stream since ``after``."""
    events = [json.loads(fields[b"e"]) for _, fields in client.xrange("elasticcode:events", min=f"({after}")]
    return {event["slot"] for event in events if event.get("kind") == "schedule" and event["socket"] == socket.name}


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_of_two_beats_one_fires_one_run_per_slot_and_the_other_takes_over_when_it_dies(
    proc1, start_scheduler, lease_free
):
    socket = every_second("pyfi.processors.sample.echo")
    after = (lease_free.xinfo_stream("elasticcode:events")["last-generated-id"].decode()
             if lease_free.exists("elasticcode:events") else "0-0")
    beats = [*start_scheduler(SCHEDULER_LEASE_SECONDS="3"), *start_scheduler(SCHEDULER_LEASE_SECONDS="3")]
    runs = ScheduleRun.objects.filter(socket=socket).order_by("slot")
    wait_for(lambda: runs.count() >= 6, timeout=60, what="six slots decided", processes=beats)
    leaders = [beat for beat in beats if LEADS in beat.log()]
    assert len(leaders) == 1, "exactly one beat leads"
    _slots_are_one_run_each(socket)
    first = {run.slot.isoformat() for run in runs[:6]}
    wait_for(lambda: first <= _events_of(lease_free, socket, after), what="an event per decision")

    leader, standby = leaders[0], next(beat for beat in beats if beat is not leaders[0])
    leader.kill()  # no clean stop: the lease lapses after 3 s
    decided = runs.count()
    wait_for(lambda: LEADS in standby.log() and runs.count() >= decided + 6, timeout=60,
             what="the standby firing", processes=[standby])
    _slots_are_one_run_each(socket)
    # The killed leader may have died between a decision's commit and its event; the standby's all have one.
    standbys = {run.slot.isoformat() for run in runs[decided + 1:]}
    wait_for(lambda: standbys <= _events_of(lease_free, socket, after), what="an event per standby decision")
