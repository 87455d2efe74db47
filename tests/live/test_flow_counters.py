"""GET /api/live/flows/{id}/counters/: what a flow's socket nodes show when the canvas opens
(before, the counters started at zero on every reload)."""

from __future__ import annotations

import uuid

import pytest

from apps.flows.models import Flow
from tests.factories import make_call, make_socket
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db


def test_a_flows_sockets_bring_their_counts_and_open_calls(api_as):
    flow = Flow.objects.create(name="orders")
    ours = make_socket(name="orders.load", flow_key=str(flow.pk))
    theirs = make_socket(name="other.load", flow_key=str(uuid.uuid4()))
    for state in ("finished", "finished", "failed", "running", "queued"):
        make_call(ours, state=state)
    open_call = make_call(ours, state="received")
    make_call(theirs, state="finished")
    body = api_as(make_user("LS_CALLS")).get(f"/api/live/flows/{flow.pk}/counters/").json()
    assert body["sockets"] == {"orders.load": {"queued": 2, "running": 1, "finished": 2, "failed": 1,
                                               "last": body["sockets"]["orders.load"]["last"]}}
    assert body["sockets"]["orders.load"]["last"] in ("finished", "failed")
    assert body["open"][str(open_call.pk)] == "queued" and len(body["open"]) == 3


def test_the_counters_need_ls_calls_and_an_existing_flow(api_as):
    flow = Flow.objects.create(name="orders")
    assert api_as(make_user("READ_FLOW")).get(f"/api/live/flows/{flow.pk}/counters/").status_code == 403
    assert api_as(make_user("LS_CALLS")).get(f"/api/live/flows/{uuid.uuid4()}/counters/").status_code == 404
    assert api_as(make_user("LS_CALLS")).get("/api/live/flows/not-an-id/counters/").status_code == 404
