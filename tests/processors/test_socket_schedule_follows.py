"""A socket's schedule is created, changed, paused and deleted with the socket."""

import pytest
from django_celery_beat.models import PeriodicTask

from apps.core.models import Status
from apps.processors.services import processor_request_status, socket_delete, socket_update
from tests.factories import make_socket

pytestmark = pytest.mark.django_db


def test_the_schedule_follows_the_socket():
    socket = make_socket()
    socket = socket_update(socket=socket, by=None,
                           fields={"schedule_type": "INTERVAL", "interval": 5, "scheduled": True})
    task = PeriodicTask.objects.get(name=f"socket:{socket.pk}")
    assert task.enabled and task.interval.every == 5
    socket_update(socket=socket, by=None, fields={"schedule_type": "CRON", "cron": "*/2 * * * *"})
    task.refresh_from_db()
    assert task.crontab.minute == "*/2" and task.interval is None
    processor_request_status(processor=socket.processor, by=None, status=Status.PAUSED)
    task.refresh_from_db()
    assert not task.enabled, "a paused processor's schedules pause with it"
    socket_delete(socket=socket, by=None)
    assert not PeriodicTask.objects.filter(name=f"socket:{socket.pk}").exists()
