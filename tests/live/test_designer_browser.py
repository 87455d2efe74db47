"""The flow designer in a real browser against a real daphne, live publisher and worker:
build a two-step flow from the palette, save, deploy, run and watch it; compare versions;
undo a deletion; counters reloaded when the server no longer holds what the canvas missed."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from apps.calls.models import Call, CallState
from apps.engine.dispatch import call_submit
from apps.engine.events import STREAM_KEY
from apps.flows.models import Flow
from apps.live.publisher import GROUP, SUBSCRIBERS_KEY
from apps.processors.models import Plug, Socket
from tests.fixtures.engine import wait_for
from tests.live.designer_page import DesignerPage, two_step, two_step_deployed
from tests.live.pages import live_cut, live_hold_install, live_release, log_in, mark_page, never_reloaded
from tests.live.publisher_wait import subscribed
from tests.live.stack import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_user_builds_saves_deploys_runs_and_watches_a_two_step_flow(
        designer_stack, live_redis, live_redis_url, page, alice, proc1, start_worker):
    log_in(page, designer_stack.url, alice)
    designer = DesignerPage(page, designer_stack.url).create_flow("two-step")
    two_step(designer)
    expect(designer.toolbar()).to_contain_text("unsaved")
    designer.save("first two steps")
    expect(designer.toolbar()).not_to_contain_text("unsaved")

    deploy = designer.deploy(1)
    key = str(Flow.objects.get(name="two-step").pk)[:8]
    for row in ("socket two-step.do_something", "socket two-step.do_this", f"queue two-step.do_this@{key}"):
        expect(deploy.get_by_role("row", name=re.compile(f"^{row} create"))).to_contain_text("✓ done")
    expect(deploy.get_by_role("row", name=re.compile("^plug "))).to_contain_text("✓ done")
    deploy.get_by_role("button", name="Close", exact=True).first.click()
    plug = Plug.objects.get(source__name="two-step.do_something", target__name="two-step.do_this")
    assert plug.argument.name == "message"
    assert Flow.objects.get(name="two-step").deployed_version.number == 1
    expect(designer.toolbar()).to_contain_text("deployed v1")

    worker = start_worker("proc1", REDIS_URL=live_redis_url)
    subscribed(live_redis, "flow:two-step", stack=designer_stack)
    designer.select("do_something")
    designer.action("Run socket")
    run = designer.dialog("Run two-step.do_something")
    bad = run.get_by_label("Input (JSON)")
    bad.fill("{'args': ['not json']}")
    expect(run.get_by_role("alert")).to_contain_text("Not valid JSON")
    expect(run.get_by_role("button", name="Run", exact=True)).to_be_disabled()
    bad.fill('{"args": ["hi"]}')
    run.get_by_role("button", name="Run", exact=True).click()
    expect(run.get_by_role("heading", name=re.compile(r"Call #.* finished"))).to_be_visible(timeout=60_000)
    expect(run.locator(".run-result pre").first).to_have_text('"TEXT:hi"')

    child = wait_for(lambda: Call.objects.filter(socket__name="two-step.do_this", state=CallState.FINISHED).first(),
                     processes=[worker], what="the downstream call")
    assert child.result == "Do this: TEXT:hi"
    # The canvas shows both steps finished, live (no reload).
    expect(designer.node("do_this").locator(".socket-counts")).to_contain_text("✓1", timeout=15_000)
    expect(designer.node("do_something").locator(".socket-counts")).to_contain_text("✓1")
    expect(designer.node("do_this").locator(".socket-node")).to_have_attribute("data-state", "ok")
    # Its processor's concurrency, then an autoscaler decision (its event, as processor_scale
    # publishes it) live, with its bounds.
    expect(designer.node("do_this").locator(".socket-scale")).to_have_text(f"×{proc1.concurrency}")
    live_redis.xadd(STREAM_KEY, {"e": json.dumps({"kind": "scale", "processor": "proc1", "from": 1, "to": 3,
                                                  "min": 1, "max": 4, "reason": "backlog"})})
    expect(designer.node("do_this").locator(".socket-scale")).to_have_text("×3 (1–4)")


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_two_versions_compare_on_the_canvas_and_in_a_list(designer_stack, page, alice, proc1):
    log_in(page, designer_stack.url, alice)
    designer = DesignerPage(page, designer_stack.url).create_flow("compared")
    designer.drag_function("do_something", x=150, y=120)
    designer.save("one step")
    designer.drag_function("do_this", x=520, y=260)
    designer.connect("do_something", "do_this", "message")
    designer.save("two steps")

    designer.side_tab("History")
    history = page.get_by_role("region", name="Version history")
    expect(history.get_by_text("two steps")).to_be_visible()
    history.get_by_label("Choose version 1 to compare").check()
    history.get_by_label("Choose version 2 to compare").check()
    history.get_by_role("button", name="Compare v1 and v2").click()
    differences = history.get_by_label("Differences")
    expect(differences.locator(".diff-added").first).to_contain_text("Added (1)")
    expect(differences).to_contain_text("do_this")
    expect(differences).to_contain_text("Plugs added (1)")
    expect(differences).to_contain_text("compared.do_something → compared.do_this")
    expect(differences).not_to_contain_text("Removed")
    # Drawn on the canvas: both versions' nodes, the added one marked.
    expect(designer.nodes()).to_have_count(2)
    expect(page.locator(".react-flow__node.diff-added")).to_have_count(1)
    expect(page.locator(".react-flow__node.diff-added")).to_contain_text("do_this")
    expect(page.locator(".react-flow__edge.diff-added")).to_have_count(1)


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_undo_brings_back_a_deleted_node_with_its_plug(designer_stack, page, alice, proc1):
    log_in(page, designer_stack.url, alice)
    designer = DesignerPage(page, designer_stack.url).create_flow("undone")
    two_step(designer)
    designer.select("do_this")
    designer.action("Delete")
    expect(designer.nodes()).to_have_count(1)
    expect(page.locator(".react-flow__edge")).to_have_count(0)
    designer.action("Undo")
    expect(designer.nodes()).to_have_count(2)
    expect(designer.node("do_this")).to_be_visible()
    expect(page.locator(".react-flow__edge")).to_have_count(1)
    designer.action("Redo")
    expect(designer.nodes()).to_have_count(1)
    page.keyboard.press("Control+z")
    expect(designer.nodes()).to_have_count(2)
    assert not Socket.objects.filter(name="undone.do_this").exists(), "editing alone deploys nothing"


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_when_the_server_no_longer_holds_what_the_canvas_missed_it_reloads_its_counters_without_a_reload(
        designer_stack, live_redis, live_redis_url, page, alice, proc1, start_worker):
    log_in(page, designer_stack.url, alice)
    live_hold_install(page)
    designer = DesignerPage(page, designer_stack.url).create_flow("resynced")
    two_step_deployed(designer)
    worker = start_worker("proc1", REDIS_URL=live_redis_url)
    subscribed(live_redis, "flow:resynced", stack=designer_stack)
    mark_page(page)
    source = Socket.objects.get(name="resynced.do_something")

    def run(number: int) -> None:
        call_submit(socket=source, args=[f"m{number}"], kwargs={})
        wait_for(lambda: Call.objects.filter(socket__name="resynced.do_this", state=CallState.FINISHED).count()
                 == number, processes=[worker], what=f"{number} downstream calls finished")

    run(1)
    expect(designer.counts("do_this")).to_have_attribute("title", re.compile(r" 1 finished"), timeout=15_000)
    live_cut(page)
    wait_until(lambda: int(live_redis.hget(SUBSCRIBERS_KEY, "flow:resynced") or 0) == 0,
               what="the cut canvas still subscribed", stack=designer_stack, seconds=15)
    run(2)  # missed by the canvas; then the stream loses it (trimmed, or Redis restarted empty)
    last = live_redis.xrevrange(STREAM_KEY, count=1)[0][0]
    wait_until(lambda: any(group["last-delivered-id"] == last for group in live_redis.xinfo_groups(STREAM_KEY)
                           if group["name"] == GROUP), what="the publisher did not read it", stack=designer_stack)
    live_redis.xtrim(STREAM_KEY, maxlen=0)
    live_release(page)
    for name in ("do_something", "do_this"):
        expect(designer.counts(name)).to_have_attribute("title", re.compile(r" 2 finished"), timeout=45_000)
    assert never_reloaded(page), "the counters came back without a page reload"
