"""``GET /api/monitor/queues/`` and ``flow ls queues``: the newest sample of each broker
queue, behind LS_QUEUES; the live dashboard sums a queue row's broker queues."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.engine.monitor.sampling import QueueSample, Target
from apps.engine.monitor.services import queuelog_write
from apps.network.models import Queue
from tests.factories import make_processor, make_queue
from tests.fixtures.api import make_user

URL = "/api/monitor/queues/"


def a_sample(queue: Queue, processor, **figures) -> QueueSample:
    values = {"ready": 0, "inflight": 0, "consumers": 0, "arrival_rate": 0.0, "completion_rate": 0.0,
              "oldest_age": None, "state": "ok"}
    values.update(figures)
    target = Target(name=f"{queue.name}.{processor.name}", queue_id=queue.pk, queue=queue.name,
                    processor_id=processor.pk, processor=processor.name, scope="default",
                    max_length=queue.max_length, paused=False)
    return QueueSample(target=target, **values)


@pytest.fixture
def two_ticks(db):
    """Queue q-shared carries two processors' calls; two ticks, the newest one counts."""
    queue = make_queue(name="q-shared", max_length=100)
    one, two = make_processor(name="p-one"), make_processor(name="p-two")
    earlier = timezone.now() - timedelta(seconds=1)
    queuelog_write(samples=[a_sample(queue, one, ready=50), a_sample(queue, two, ready=1)], at=earlier)
    queuelog_write(samples=[
        a_sample(queue, one, ready=70, inflight=2, consumers=1, arrival_rate=3.25, completion_rate=1.5,
                 oldest_age=12.34, state="warn"),
        a_sample(queue, two, ready=4, inflight=1, consumers=2),
    ], at=timezone.now())
    return queue


@pytest.mark.django_db
def test_the_list_needs_ls_queues(api_as, two_ticks):
    assert api_as(make_user("READ_QUEUE")).get(URL).status_code == 403
    assert api_as(make_user("LS_QUEUES", revoked=("LS_QUEUES",))).get(URL).status_code == 403
    response = api_as(make_user("LS_QUEUES")).get(URL)
    assert response.status_code == 200


@pytest.mark.django_db
def test_anonymous_users_are_refused(client, two_ticks):
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.django_db
def test_it_lists_the_newest_sample_of_each_broker_queue(alice_api, two_ticks):
    body = alice_api.get(URL).json()
    assert body["count"] == 2
    rows = {row["name"]: row for row in body["results"]}
    assert rows["q-shared.p-one"] | {"sampled": None} == {
        "name": "q-shared.p-one", "queue": "q-shared", "processor": "p-one", "ready": 70, "inflight": 2,
        "consumers": 1, "arrival_rate": 3.25, "completion_rate": 1.5, "oldest_age": 12.34, "state": "warn",
        "max_length": 100, "joined": 0, "resent": 0, "sampled": None,
    }
    assert [r["name"] for r in alice_api.get(URL, {"state": "warn"}).json()["results"]] == ["q-shared.p-one"]
    assert [r["name"] for r in alice_api.get(URL, {"processor": "p-two"}).json()["results"]] == ["q-shared.p-two"]
    assert alice_api.get(URL, {"queue": "nope"}).json()["count"] == 0
    assert alice_api.get(URL, {"state": "sideways"}).status_code == 400


@pytest.mark.django_db
def test_the_dashboard_sums_a_queue_rows_broker_queues(alice_api, two_ticks):
    [row] = [q for q in alice_api.get("/api/live/queues/").json()["queues"] if q["name"] == "q-shared"]
    assert (row["ready"], row["inflight"], row["consumers"]) == (74, 3, 3)


@pytest.mark.django_db(transaction=True)
def test_flow_ls_queues_shows_depth_rates_age_and_state(flow, two_ticks):
    result = flow("ls", "queues")
    assert result.exit_code == 0, result.output
    lines = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
             for line in result.output.splitlines() if line.startswith("| q-shared.")}
    assert lines["q-shared.p-one"][:11] == ["p-one", "70", "2", "1", "3.25", "1.50", "12.3 s", "0", "0", "warn", "100"]
    assert lines["q-shared.p-two"][5:10] == ["0.00", "-", "0", "0", "ok"]
    assert "Page 1 of 1 of 2 total records" in result.output
    as_json = json.loads(flow("--json", "ls", "queues", "-s", "warn").output)
    assert [(r["name"], r["ready"]) for r in as_json["results"]] == [("q-shared.p-one", 70)]


@pytest.mark.django_db
def test_flow_ls_queues_says_broker_unreachable_while_it_lasts(flow, two_ticks, settings):
    from apps.engine.monitor.health import BROKER_KEY, _client, broker_reachable_note, broker_unreachable_note

    broker_unreachable_note(message="The queue monitor cannot reach the broker: Connection refused.")
    try:
        result = flow("ls", "queues")
        assert result.exit_code == 0, result.output
        assert "Broker unreachable since" in result.output and "Connection refused" in result.output
        broker_reachable_note()
        assert "Broker unreachable" not in flow("ls", "queues").output
    finally:
        _client(settings.REDIS_URL).delete(BROKER_KEY)
