"""A schedule set on the canvas fires once deployed, follows its missed-run policy, and goes
when the canvas clears it; a bad cron expression is that socket's error, with the reason."""

import pytest

from apps.flows.deploy import flow_deploy
from apps.flows.models import Flow, Version
from apps.processors.models import Socket
from apps.processors.schedules import socket_next_firings
from tests.factories import make_processor, make_task
from tests.flows.test_flow_deploy import node

pytestmark = pytest.mark.django_db


def deploy(flow, number, by, **settings):
    nodes = [node("a", "tick", "sched.tick")]
    nodes[0]["data"]["settings"].update(settings)
    version = Version.objects.create(name=f"v{number}", flow=flow, number=number,
                                     document={"schema": 1, "nodes": nodes, "edges": []})
    return {o["name"]: o for o in flow_deploy(flow=flow, version=version, by=by)}


@pytest.fixture
def flow():
    make_task(make_processor(name="proc1"), name="tick")
    return Flow.objects.create(name="sched")


def test_a_canvas_schedule_fires_once_deployed_and_is_removed_with_it(flow, alice):
    assert deploy(flow, 1, alice, cron="*/5 * * * *", missed_policy="all", missed_max=3)["sched.tick"]["ok"]
    socket = Socket.objects.get(name="sched.tick")
    assert (socket.schedule_type, socket.scheduled, socket.missed_policy, socket.missed_max) == ("CRON", True, "all", 3)
    assert socket.schedule_since is not None and len(socket_next_firings(socket=socket)) == 3
    assert deploy(flow, 2, alice)["sched.tick"]["action"] == "update"
    socket.refresh_from_db()
    assert (socket.schedule_type, socket.scheduled) == ("", False)


def test_a_bad_cron_expression_is_the_sockets_error(flow, alice):
    outcome = deploy(flow, 1, alice, cron="0 0 30 2 *")["sched.tick"]
    assert not outcome["ok"] and outcome["error"].startswith("The cron expression '0 0 30 2 *' is not valid: bad day")
    assert not Socket.objects.filter(name="sched.tick").exists()
