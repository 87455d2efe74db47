"""A wire on the canvas shows its queue filling and draining, live, from the queue monitor:
counts against the limit, the fill bar's band, and the wire red while the queue is full."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from apps.calls.models import Call
from apps.engine.dispatch import call_submit
from apps.engine.monitor.contents import broker_purge
from apps.engine.queues import socket_queue_name
from apps.network.models import Queue
from apps.processors.models import Plug, Socket
from tests.live.designer_page import DesignerPage, two_step, two_step_deployed
from tests.live.pages import log_in
from tests.live.publisher_wait import subscribed

pytestmark = [pytest.mark.browser, pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_wire_fills_turns_red_when_full_and_drains_back_to_green(
        designer_stack, live_redis, live_redis_url, page, alice, proc1, start_process, start_worker):
    log_in(page, designer_stack.url, alice)
    designer = DesignerPage(page, designer_stack.url).create_flow("wired")
    two_step_deployed(designer)
    target = Socket.objects.get(name="wired.do_this")
    Queue.objects.filter(pk=target.queue_id).update(max_length=10)
    start_process(["manage.py", "queue_monitor", "--interval", "0.5"], REDIS_URL=live_redis_url)
    subscribed(live_redis, "queues", stack=designer_stack)

    wire = page.locator(f'[data-wire="{socket_queue_name(socket=target)}"]')
    path = page.locator(".react-flow__edge .plug-path").first
    fill = wire.get_by_role("meter")

    def send(count: int) -> None:
        for i in range(count):
            call_submit(socket=target, args=[f"m{i}"], kwargs={})

    send(4)  # no worker yet: the messages wait on the broker
    expect(wire.locator(".wire-counts")).to_have_text("4/10 ready · 0 in flight", timeout=15_000)
    expect(wire).to_have_class("wire-label wire-green")
    expect(fill).to_have_attribute("aria-valuenow", "40")
    send(4)
    expect(wire.locator(".wire-counts")).to_have_text("8/10 ready · 0 in flight", timeout=15_000)
    expect(wire).to_have_class("wire-label wire-yellow")
    send(2)
    expect(wire).to_have_class("wire-label wire-red wire-full", timeout=15_000)
    expect(path).to_have_class("react-flow__edge-path plug-path plug-full plug-flowing")

    start_worker("proc1", REDIS_URL=live_redis_url)
    expect(wire.locator(".wire-counts")).to_have_text("0/10 ready · 0 in flight", timeout=60_000)
    expect(wire).to_have_class("wire-label wire-green")
    expect(path).not_to_have_class("react-flow__edge-path plug-path plug-full plug-flowing")


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_user_peeks_at_a_wire_and_empties_it_after_typing_its_name(designer_stack, page, alice, proc1):
    log_in(page, designer_stack.url, alice)
    designer = DesignerPage(page, designer_stack.url).create_flow("peeked")
    two_step_deployed(designer)
    target = Socket.objects.get(name="peeked.do_this")
    calls = [call_submit(socket=target, args=[f"m{i}"], kwargs={}) for i in range(3)]  # no worker: they wait
    broker = socket_queue_name(socket=target)  # peeked.do_this@<flow>.proc1

    page.locator(".react-flow__edge").first.click()
    contents = page.get_by_role("region", name=f"Messages waiting on {broker}")
    contents.get_by_role("button", name="Peek").click()
    expect(contents).to_contain_text("3 waiting")
    expect(contents.locator(".waiting-messages li")).to_have_count(3)
    expect(contents.locator(".waiting-messages li").first).to_contain_text(str(calls[0].pk)[:8])

    contents.get_by_role("button", name="Empty queue…").click()
    empty = contents.get_by_role("button", name=f"Empty {broker}")
    expect(empty).to_be_disabled()
    contents.get_by_label(f"Type {broker}").fill("peeked.do_this")
    expect(empty).to_be_disabled()
    contents.get_by_label(f"Type {broker}").fill(broker)
    empty.click()
    expect(contents).to_contain_text(f"Emptied {broker}: 3 messages removed, 3 calls cancelled.")
    expect(contents).to_contain_text("0 waiting")
    assert set(Call.objects.filter(pk__in=[c.pk for c in calls]).values_list("state", flat=True)) == {"cancelled"}


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_wire_given_a_queue_of_its_own_shows_that_queues_figures(
        designer_stack, live_redis, live_redis_url, page, alice, proc1, start_process, broker_url):
    """Named in the plug's properties, the queue is deployed with the wire's limit; the
    wire's label follows that queue, not its target socket's."""
    name = f"ownwire-{uuid.uuid4().hex[:8]}"  # the broker outlives the test database
    log_in(page, designer_stack.url, alice)
    designer = DesignerPage(page, designer_stack.url).create_flow("ownwire")
    two_step(designer)
    page.locator(".react-flow__edge").first.click()
    limit = page.get_by_label("Max length")
    expect(limit).to_be_disabled()  # the socket's queue's limits are the socket's
    page.get_by_label("Queue name").fill(name)
    expect(limit).to_be_enabled()
    limit.fill("5")
    designer.save("a queue of its own")
    designer.deploy(1).get_by_role("button", name="Close", exact=True).first.click()
    plug = Plug.objects.select_related("queue", "target").get(name__startswith="ownwire:")
    assert (plug.queue.name, plug.queue.max_length) == (name, 5)

    start_process(["manage.py", "queue_monitor", "--interval", "0.5"], REDIS_URL=live_redis_url)
    subscribed(live_redis, "queues", stack=designer_stack)
    try:
        for i in range(3):  # sent as the plug delivers; no worker takes them
            call_submit(socket=plug.target, args=[f"m{i}"], kwargs={}, plug=plug)
        wire = page.locator(f'[data-wire="{name}.proc1"]')
        # The monitor process was just started: its first tick can take a while on a loaded host.
        expect(wire.locator(".wire-counts")).to_have_text("3/5 ready · 0 in flight", timeout=60_000)
        expect(wire).to_have_class("wire-label wire-green")
        expect(page.locator('[data-wire="ownwire.do_this.proc1"]')).to_have_count(0)
        call_submit(socket=plug.target, args=["m3"], kwargs={}, plug=plug)
        expect(wire).to_have_class("wire-label wire-yellow", timeout=15_000)
    finally:
        broker_purge(broker_url, f"{name}.proc1")
