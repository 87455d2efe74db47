"""The server-rendered pages follow the network live, in a real browser with a real daphne
and publisher: a socket added through the API appears on an open processor page; a node
marked down turns red on an open Network page. Neither page reloads or polls."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.engine.agent.failover import network_check
from apps.network.models import Node
from apps.network.nodes import agent_register
from tests.factories import make_processor, make_queue
from tests.fixtures.cli import make_token
from tests.live.pages import log_in
from tests.live.publisher_wait import subscribed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watched(page: Page, path: str) -> list[str]:
    """The page's own fetches of ``path`` from now on (a poll, or a refresh after an event);
    the page is marked so that a reload would show."""
    page.evaluate("window.__notReloaded = true")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if request.url.endswith(path) else None)
    return fetched


def test_a_socket_added_through_the_api_appears_on_an_open_processor_page(live_stack, live_redis, page, alice):
    processor = make_processor(name="proc1")
    make_queue(name="pyfi.queue1")
    log_in(page, live_stack.url, alice)
    page.goto(f"{live_stack.url}/processors/{processor.pk}/")
    sockets = page.get_by_role("region", name="Sockets")
    expect(sockets).to_contain_text("No sockets yet")
    subscribed(live_redis, "processor:proc1", stack=live_stack)
    fetched = _watched(page, f"/processors/{processor.pk}/")

    answer = httpx.post(f"{live_stack.url}/api/sockets/", headers={"Authorization": f"Bearer {make_token(alice)}"},
                        json={"name": "pyfi.processors.sample.do_this", "processor": "proc1", "task": "do_this",
                              "queue": "pyfi.queue1"}, timeout=30)
    assert answer.status_code == 201, answer.text
    row = sockets.get_by_role("row").filter(has_text="pyfi.processors.sample.do_this")
    expect(row).to_contain_text("do_this")
    expect(row).to_contain_text("pyfi.queue1")
    assert page.evaluate("window.__notReloaded") is True
    assert len(fetched) == 1, "one fetch of the page's parts, on the event"

    gone = httpx.delete(f"{live_stack.url}/api/sockets/{answer.json()['id']}/",
                        headers={"Authorization": f"Bearer {make_token(alice)}"}, timeout=30)
    assert gone.status_code == 204
    expect(sockets).to_contain_text("No sockets yet")
    assert page.evaluate("window.__notReloaded") is True


def test_a_node_marked_down_turns_red_on_an_open_network_page(live_stack, live_redis, page, alice, settings):
    agent_register(name="edge-1", cpus=2, pid=4242)
    log_in(page, live_stack.url, alice)
    page.goto(f"{live_stack.url}/network/")
    health = page.locator('tr[data-node="edge-1"] [data-field="health"]')
    expect(health).to_have_text("healthy")
    expect(health).to_have_class("badge status-up")
    subscribed(live_redis, "nodes", stack=live_stack)
    fetched = _watched(page, "/network/")

    Node.objects.filter(hostname="edge-1").update(heartbeat=timezone.now() - timedelta(minutes=10))
    assert network_check(owner="test", interval=1) == []  # what every agent's heartbeat runs
    expect(health).to_have_text("down")
    expect(health).to_have_class("badge status-down")
    expect(page.locator('tr[data-node="edge-1"]')).to_contain_text("down")  # the agent's status, after the refresh
    assert page.evaluate("window.__notReloaded") is True
    assert 1 <= len(fetched) <= 2, f"a refresh on the change, no polling: {fetched}"


def test_a_processor_reaching_running_shows_on_its_open_page_with_its_deployment(live_stack, live_redis, page, alice):
    from apps.core.models import Status
    from apps.engine.agent.state import processor_status_refresh
    from apps.network.models import Deployment

    processor = make_processor(name="proc1", requested_status=Status.RUNNING, status=Status.STARTING)
    log_in(page, live_stack.url, alice)
    page.goto(f"{live_stack.url}/processors/{processor.pk}/")
    run = page.get_by_role("region", name="Run control")
    expect(run).to_contain_text("Not placed yet")
    subscribed(live_redis, "processor:proc1", stack=live_stack)
    page.evaluate("window.__notReloaded = true")

    # What an agent records when the worker of its deployment is ready (apps/engine/agent/state.py).
    Deployment.objects.create(name="proc1@edge-1", hostname="edge-1", cpus=2, processor=processor,
                              status=Status.RUNNING)
    assert processor_status_refresh(processor_id=str(processor.pk)) == Status.RUNNING
    expect(run.locator('[data-field="status"]')).to_have_text("running")
    expect(run.get_by_role("row").filter(has_text="edge-1")).to_contain_text("running")
    assert page.evaluate("window.__notReloaded") is True
