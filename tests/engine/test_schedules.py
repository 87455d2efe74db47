"""A socket's interval schedule fires runs on a real beat, and stops with the socket."""

from __future__ import annotations

import itertools
import time

import pytest
from django_celery_beat.models import PeriodicTask

from apps.calls.models import Call, CallState
from apps.processors.models import ScheduleType, Socket
from apps.processors.schedules import socket_next_firings
from apps.processors.services import socket_delete, socket_update
from tests.fixtures.engine import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_an_interval_schedule_fires_on_time_and_stops_when_the_socket_is_deleted(
    proc1, start_worker, start_scheduler
):
    socket = Socket.objects.get(name="pyfi.processors.sample.echo")
    socket = socket_update(socket=socket, by=None, fields={
        "schedule_type": ScheduleType.INTERVAL, "interval": 1, "scheduled": True, "data": ["tick"]})
    assert len(socket_next_firings(socket=socket)) == 3
    processes = [start_worker("proc1"), *start_scheduler()]
    calls = Call.objects.filter(socket=socket, state=CallState.FINISHED)
    wait_for(lambda: calls.count() >= 4, timeout=45, what="four scheduled runs", processes=processes)
    finished = sorted(calls, key=lambda c: c.created)
    assert all(call.result == "tick" for call in finished)
    assert len({call.tracking for call in finished}) == len(finished), "each firing starts a new run"
    gaps = [(b.created - a.created).total_seconds() for a, b in itertools.pairwise(finished)]
    assert all(0.5 < gap < 2.5 for gap in gaps[1:3]), f"one run a second after the first: {gaps}"

    socket_name = socket.name
    socket_delete(socket=socket, by=None)
    assert not PeriodicTask.objects.filter(name__startswith="socket:").exists()
    before = Call.objects.filter(name=socket_name).count()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:  # absence can only be shown by watching for a while
        assert Call.objects.filter(name=socket_name).count() == before
        time.sleep(0.2)
