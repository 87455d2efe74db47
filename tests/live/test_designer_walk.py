"""Issue 17's walk, as a newcomer does it in a real browser against the processes bin/run
starts (daphne, the live publisher, the platform worker, this machine's agent): trust a
repository, create and mount a processor from the designer (its progress visible), drag two
functions, wire them, save, deploy, run; see the result, the canvas counters and the
Dashboard and Calls rows follow live with the durations the rows record; reload and see the
same counters. Then a second flow uses the same function: deployed and run, it never runs the
first flow's sockets. No page is reloaded except where the walk says so, and nothing is set
up behind the browser's back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from apps.calls.models import Call, CallState
from tests.engine.agent.helpers import nodes_healthy
from tests.fixtures.engine import wait_for
from tests.fixtures.git import EXAMPLE_MODULE, EXAMPLES, repo_create
from tests.live.designer_page import SLOW, DesignerPage
from tests.live.pages import CallsPage, DashboardPage, RepositoriesPage, log_in, mark_page, never_reloaded
from tests.live.publisher_wait import subscribed
from tests.live.stack import MOUNT_SECONDS, MOUNT_STEPS, LiveStack, platform_worker_start

pytestmark = [pytest.mark.browser, pytest.mark.broker, pytest.mark.django_db(transaction=True)]

LIVE = 30_000  # ms: a call's events through the worker, the stream and the publisher on a loaded machine


def _finished(socket: str, *, processes) -> Call:
    return wait_for(lambda: Call.objects.filter(socket__name=socket, state=CallState.FINISHED).first(),
                    processes=processes, what=f"a finished call of {socket}")


def _recorded_ms(call: Call) -> str:
    """The duration a call's row records (started to finished), as the tables print it."""
    call.refresh_from_db()
    return f"{(call.finished - call.started).total_seconds() * 1000:.1f} ms"


def _build(designer: DesignerPage, downstream: str) -> None:
    """do_something's result wired into ``downstream``'s message; saved as v1 and deployed."""
    designer.drag_function("do_something", x=150, y=120)
    designer.drag_function(downstream, x=520, y=260)
    designer.connect("do_something", downstream, "message")
    designer.save("first steps")
    designer.deploy(1).get_by_role("button", name="Close", exact=True).first.click()


def _mount(designer: DesignerPage, stack: LiveStack, repository: str, start_process, redis_url: str) -> None:
    mount = designer.create_processor(name="pipes", repository=repository, branch="main", module=EXAMPLE_MODULE)
    expect(mount).to_contain_text("Queued")
    platform_worker_start(start_process, redis_url=redis_url)
    expect(mount).to_contain_text("Ready: ", timeout=MOUNT_SECONDS)
    for step in MOUNT_STEPS:
        expect(mount).to_contain_text(f"✓ {step}")
    expect(designer.palette_item("do_this")).to_be_visible()


def _second_flow(page: Page, stack: LiveStack, live_redis, agent) -> None:
    """A second flow whose do_something feeds ``say``: it runs its own sockets only."""
    second = DesignerPage(page.context.new_page(), stack.url).create_flow("audit")
    _build(second, "say")
    subscribed(live_redis, "flow:audit", stack=stack)
    run = second.run("do_something", '{"kwargs": {"message": "again"}}')
    expect(run.get_by_role("heading", name=re.compile(r"Call #.* finished"))).to_be_visible(timeout=60_000)
    _finished("audit.say", processes=[agent])
    expect(second.counts("say")).to_have_attribute("title", re.compile(r"1 finished"), timeout=LIVE)
    expect(second.counts("do_something")).to_have_attribute("title", re.compile(r"1 finished"))


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_newcomer_goes_from_a_trusted_repository_to_a_live_flow_and_a_second_flow_runs_only_its_own(
        mount_stack, live_redis, live_redis_url, page, alice, tmp_path, start_process, start_agent):
    stack = mount_stack
    repository = repo_create(root=tmp_path / "repo", source=EXAMPLES).url
    agent = start_agent("walk", cpus=2)  # this machine's node
    nodes_healthy(agent)
    log_in(page, stack.url, alice)
    RepositoriesPage(page, stack.url).open().trust("local", "file://*")

    designer = DesignerPage(page, stack.url).create_flow("orders")
    mark_page(page)
    subscribed(live_redis, "processors", stack=stack)
    _mount(designer, stack, repository, start_process, live_redis_url)
    _build(designer, "do_this")
    expect(designer.toolbar()).to_contain_text("deployed v1")

    dashboard = DashboardPage(page.context.new_page(), stack.url).open()
    calls = CallsPage(page.context.new_page(), stack.url).open()
    for shown in (dashboard.page, calls.page):
        mark_page(shown)
    subscribed(live_redis, "flow:orders", stack=stack)
    subscribed(live_redis, "calls:all", stack=stack)

    run = designer.run("do_something", '{"kwargs": {"message": "hi"}}')
    expect(run.get_by_role("heading", name=re.compile(r"Call #.* finished"))).to_be_visible(timeout=60_000)
    expect(run.locator(".run-result pre").first).to_have_text('"TEXT:hi"')
    run.get_by_role("button", name="Close", exact=True).first.click()
    first = _finished("orders.do_something", processes=[agent])
    second = _finished("orders.do_this", processes=[agent])
    assert second.result == "Do this: TEXT:hi"

    for name in ("do_something", "do_this"):
        expect(designer.counts(name)).to_have_attribute(
            "title", "last call finished: 0 queued, 0 running, 1 finished, 0 failed", timeout=LIVE)
    for call in (first, second):
        recorded = _recorded_ms(call)
        for row in (dashboard.call_row(str(call.pk)), calls.call_row(str(call.pk))):
            expect(row.locator("td.state")).to_have_text("finished", timeout=LIVE)
            expect(row).to_contain_text(recorded)
    for shown in (page, dashboard.page, calls.page):
        assert never_reloaded(shown), f"{shown.url} was reloaded"

    page.reload()
    for name in ("do_something", "do_this"):
        expect(designer.counts(name)).to_have_attribute(
            "title", "last call finished: 0 queued, 0 running, 1 finished, 0 failed", timeout=SLOW)
    mark_page(page)

    _second_flow(page, stack, live_redis, agent)
    assert Call.objects.filter(socket__name="orders.do_this").count() == 1, "the first flow's socket ran again"
    assert Call.objects.filter(socket__name="orders.do_something").count() == 1
    for name in ("do_something", "do_this"):
        expect(designer.counts(name)).to_have_attribute("title", re.compile(r" 1 finished"))
    assert never_reloaded(page)
