"""A broker that is down: the submit answers 503 with a message a user can read, soon (its
connection attempt and publish retries are bounded), and leaves no call queued without a
message (the call is failed with the reason, in the same answer)."""

from __future__ import annotations

import socket
import time

import pytest
from rest_framework.test import APIClient

from apps.calls.models import Call, CallState
from apps.engine.monitor import loop
from apps.engine.monitor.health import BROKER_KEY, _client, broker_health, broker_reachable_note
from tests.factories import make_socket
from tests.fixtures.api import make_user
from tests.fixtures.engine import _broker_switch

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["redis", "amqp"])
def dead_broker(request, settings):
    """The test process's producer pointed at a port where nothing listens."""
    from flowsite.celery import app as celery_app

    scheme = "redis" if request.param == "redis" else "amqp"
    url = f"{scheme}://127.0.0.1:{free_port()}/0" if scheme == "redis" else f"amqp://guest:guest@127.0.0.1:{free_port()}//"
    previous = celery_app.conf.broker_url
    _broker_switch(url)
    settings.CELERY_BROKER_URL = url
    yield url
    _broker_switch(previous)


def test_when_the_broker_is_down_then_a_run_is_a_503_soon_and_no_call_stays_queued(dead_broker, settings,
                                                                                  broker_note):
    target = make_socket()
    client = APIClient()
    client.force_authenticate(make_user("RUN_TASK"))
    started = time.monotonic()
    response = client.post(f"/api/sockets/{target.pk}/run/", {"args": [1]}, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 503, response.content
    body = response.json()
    assert "broker" in body["message"].lower() and "not" in body["message"].lower(), body
    assert not Call.objects.filter(state=CallState.QUEUED).exists()
    failed = Call.objects.get(socket=target)
    assert failed.state == CallState.FAILED and "broker" in failed.error.lower()
    assert elapsed < 10 * settings.BROKER_CONFIRM_TIMEOUT, elapsed  # loose: it was 10 s or more, then 202
    assert broker_health()["state"] == "unreachable"


@pytest.fixture
def broker_note(settings):
    """Forgets the broker health note the test made (it expires on its own otherwise)."""
    yield
    _client(settings.REDIS_URL).delete(BROKER_KEY)


@pytest.mark.parametrize("dead_broker", ["redis"], indirect=True)
def test_while_the_broker_is_down_the_queue_listing_and_the_dashboard_say_so(dead_broker, broker_note):
    make_socket()  # a queue for the monitor to sample
    reader = APIClient()
    reader.force_authenticate(make_user("LS_QUEUES"))
    assert reader.get("/api/monitor/queues/").json()["broker"]["state"] == "ok"
    ticks = iter(range(2))
    loop.run(loop.monitor_from_settings(interval=0.5), interval=0.5, should_stop=lambda: next(ticks, None) is None)
    listed = reader.get("/api/monitor/queues/").json()["broker"]
    assert listed["state"] == "unreachable" and "cannot reach the broker" in listed["message"], listed
    dashboard = reader.get("/api/live/queues/").json()["broker"]
    assert dashboard["state"] == "unreachable" and dashboard["since"] == listed["since"]
    broker_reachable_note()  # what the monitor's next good tick does
    assert broker_health()["state"] == "ok"
