"""A socket's schedule is checked when saved and its clock follows the socket: set, changed,
paused and resumed (what was missed while paused or under the old schedule is not owed)."""

import pytest

from apps.core.errors import BadRequest
from apps.core.models import Status
from apps.processors.models import Socket
from apps.processors.schedules import socket_next_firings
from apps.processors.services import processor_request_status, socket_delete, socket_update
from tests.factories import make_socket

pytestmark = pytest.mark.django_db


def since(socket):
    return Socket.objects.get(pk=socket.pk).schedule_since


def test_the_schedule_follows_the_socket():
    socket = make_socket()
    socket = socket_update(socket=socket, by=None,
                           fields={"schedule_type": "INTERVAL", "interval": 5, "scheduled": True})
    started = since(socket)
    assert started is not None and len(socket_next_firings(socket=socket)) == 3
    socket = socket_update(socket=socket, by=None, fields={"description": "same schedule"})
    assert since(socket) == started, "a change that leaves the slots alone keeps the clock"
    socket = socket_update(socket=socket, by=None, fields={"schedule_type": "CRON", "cron": "*/2 * * * *"})
    assert since(socket) > started
    assert all(t.minute % 2 == 0 and t.second == 0 for t in socket_next_firings(socket=socket))
    processor_request_status(processor=socket.processor, by=None, status=Status.PAUSED)
    socket.refresh_from_db()
    assert socket_next_firings(socket=socket) == [], "a paused processor's schedules pause with it"
    paused_since = since(socket)
    processor_request_status(processor=socket.processor, by=None, status=Status.RUNNING)
    assert since(socket) > paused_since, "what a paused schedule missed is not owed"
    socket_delete(socket=socket, by=None)
    assert not Socket.objects.filter(pk=socket.pk).exists()


def test_a_bad_cron_expression_is_refused_with_the_reason_and_nothing_changes():
    socket = make_socket()
    with pytest.raises(BadRequest) as refused:
        socket_update(socket=socket, by=None, fields={"schedule_type": "CRON", "cron": "61 * * * *"})
    assert refused.value.message == "The cron expression '61 * * * *' is not valid: bad minute."
    assert Socket.objects.get(pk=socket.pk).schedule_type == ""
