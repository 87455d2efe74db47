"""The dashboards' REST reads under /api/live/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.calls.models import Call, Event, MetricSample
from apps.live import counters
from apps.network.models import Node, QueueLog
from tests.factories import make_call, make_processor, make_queue, make_socket
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("/api/live/calls/", "LS_CALLS"), ("/api/live/throughput/", "READ_PROCESSOR"),
    ("/api/live/series/", "LS_METRICS"), ("/api/live/nodes/", "LS_NODES"), ("/api/live/queues/", "LS_QUEUES"),
]


@pytest.mark.parametrize(("url", "right"), ENDPOINTS)
def test_each_endpoint_needs_its_right(api_as, url, right):
    assert api_as(make_user(right)).get(url).status_code == 200
    response = api_as(make_user("LS_PROCESSORS")).get(url)
    assert (response.status_code, response.json()["message"]) == (403, f"You need the {right} right to do this.")


def test_counters_need_only_a_login_and_stats_need_ls_metrics(api, api_as, live_redis):
    assert api.get("/api/live/stats/").status_code in (401, 403)
    counters.redis_sync().hincrby(counters.STATS_KEY, "delivered", 7)
    user = make_user()
    assert api_as(user).get("/api/live/stats/").status_code == 403
    assert api_as(make_user("LS_METRICS")).get("/api/live/stats/").json()["delivered"] == 7
    assert set(api_as(user).get("/api/live/counters/").json()) == {
        "nodes_up", "processors_running", "calls_running", "failures_last_minute"}


def _finished(socket, *, ms: float, state: str = "finished", finished=None) -> Call:
    finished = finished or timezone.now() - timedelta(seconds=5)
    return make_call(socket, state=state, started=finished - timedelta(milliseconds=ms), finished=finished)


def test_calls_filter_by_processor_socket_state_and_run_newest_first(alice_api):
    one, two = make_socket(make_processor(name="p1")), make_socket(make_processor(name="p2"))
    first, second = _finished(one, ms=10), _finished(one, ms=10, state="failed")
    _finished(two, ms=10)
    page = alice_api.get("/api/live/calls/?processor=p1&rows=1").json()
    assert page["count"] == 2 and [r["call"] for r in page["results"]] == [str(second.pk)]
    assert page["results"][0]["processor"] == "p1" and page["results"][0]["duration_ms"] == 10.0
    assert alice_api.get("/api/live/calls/?processor=p1&rows=1&page=2").json()["results"][0]["call"] == str(first.pk)
    assert alice_api.get("/api/live/calls/?state=failed").json()["count"] == 1
    assert alice_api.get(f"/api/live/calls/?socket={one.name}&run={first.tracking}").json()["count"] == 1
    assert alice_api.get("/api/live/calls/?state=bogus").status_code == 400
    assert alice_api.get("/api/live/calls/?run=nope").status_code == 404


def test_a_call_detail_has_its_timeline_input_output_log_and_tree(alice_api):
    parent = make_call(arguments={"args": [1], "kwargs": {}}, result=2, log="printed\n")
    child = make_call(parent.socket, parent=parent, tracking=parent.tracking)
    Event.objects.create(call=parent, name="queued", note="Queued")
    detail = alice_api.get(f"/api/live/calls/{parent.pk}/").json()
    assert (detail["arguments"], detail["result"], detail["log"]) == ({"args": [1], "kwargs": {}}, 2, "printed\n")
    assert [e["name"] for e in detail["events"]] == ["queued"]
    assert [c["id"] for c in detail["tree"]["children"]] == [str(child.pk)]
    assert detail["version"] is None, "no deployed flow owns its socket"
    assert alice_api.get("/api/live/calls/not-a-uuid/").status_code == 404


def test_a_downstream_calls_detail_shows_its_upstream_call(alice_api):
    parent = make_call()
    child = make_call(parent.socket, parent=parent, tracking=parent.tracking)
    grandchild = make_call(parent.socket, parent=child, tracking=parent.tracking)
    detail = alice_api.get(f"/api/live/calls/{grandchild.pk}/").json()
    assert detail["tree"]["id"] == str(parent.pk)
    assert detail["tree"]["children"][0]["id"] == str(child.pk)
    assert detail["tree"]["children"][0]["children"][0]["id"] == str(grandchild.pk)


def test_throughput_gives_rate_p50_p95_and_failures_per_processor_and_socket(alice_api):
    socket = make_socket(make_processor(name="p1"))
    minute = (int(timezone.now().timestamp()) // 60 - 1) * 60  # one whole minute, wholly in the window
    finished = datetime.fromtimestamp(minute + 30, tz=UTC)
    for ms in range(1, 101):
        _finished(socket, ms=ms, state="failed" if ms > 90 else "finished", finished=finished)
    stats = alice_api.get("/api/live/throughput/?window=120&points=2").json()
    assert stats["bucket"] == 60
    whole, per_socket = stats["series"]
    assert (whole["processor"], whole["socket"], per_socket["socket"]) == ("p1", "", socket.name)
    [point] = whole["points"]
    assert point["t"] == minute
    assert (point["calls"], point["failures"], point["p50"], point["p95"]) == (100, 10, 50.0, 95.0)
    assert point["rate"] == round(100 / 60, 3)
    assert alice_api.get("/api/live/throughput/?window=abc").status_code == 400


def test_metric_series_are_averaged_into_at_most_the_points_asked(alice_api):
    processor = make_processor(name="p1")
    for value in (1, 2, 3, 10):
        MetricSample.objects.create(processor=processor, name="temperature", value=value)
    series = alice_api.get("/api/live/series/?processor=p1&window=600&points=1").json()["series"]
    assert len(series) == 1 and len(series[0]["points"]) == 1
    assert series[0]["points"][0] | {"t": 0} == {"t": 0, "avg": 4.0, "min": 1.0, "max": 10.0, "count": 4}


def test_nodes_are_up_while_they_heartbeat_and_queues_show_their_latest_depth(alice_api):
    now = timezone.now()
    Node.objects.create(name="n1", hostname="h1", heartbeat=now - timedelta(seconds=10), cpuload=12.5)
    Node.objects.create(name="n2", hostname="h2", heartbeat=now - timedelta(minutes=10))
    nodes = alice_api.get("/api/live/nodes/").json()["nodes"]
    assert [(n["name"], n["up"], n["cpuload"]) for n in nodes] == [("n1", True, 12.5), ("n2", False, 0)]
    queue = make_queue(name="q1")
    QueueLog.objects.create(queue=queue, ready=1, inflight=1)
    QueueLog.objects.create(queue=queue, ready=7, inflight=2, consumers=3)
    [depth] = [q for q in alice_api.get("/api/live/queues/").json()["queues"] if q["name"] == "q1"]
    assert (depth["ready"], depth["inflight"], depth["consumers"]) == (7, 2, 3)
