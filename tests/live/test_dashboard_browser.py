"""A call shows up in an open dashboard in a real browser, live, with its final state."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from apps.calls.models import Call
from apps.engine.dispatch import call_submit
from apps.engine.recording import WorkerIdentity, call_finish, call_start
from apps.live.publisher import SUBSCRIBERS_KEY
from apps.processors.models import Socket
from tests.factories import make_processor, make_queue, make_socket
from tests.live.pages import DashboardPage, log_in
from tests.live.publisher_wait import subscribed
from tests.live.stack import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def socket_ready() -> Socket:
    return make_socket(make_processor(name="proc1"), name="pyfi.processors.sample.do_something",
                       queue=make_queue(name="pyfi.queue1"))


def run_like_a_worker(socket: Socket, monkeypatch) -> Call:
    """What ``flow task run`` then a worker do, without the broker: submit, start, finish."""
    monkeypatch.setattr("apps.engine.dispatch.call_publish", lambda **_: None)
    return call_submit(socket=socket, args=["Hello"], kwargs={})


def test_when_a_call_runs_then_the_open_dashboard_shows_it_live_with_its_final_state(
        live_stack, live_redis, page, alice, socket_ready, monkeypatch, figures):
    log_in(page, live_stack.url, alice)
    dashboard = DashboardPage(page, live_stack.url).open()
    subscribed(live_redis, "calls:all", stack=live_stack)
    page.evaluate("window.__loadedAt = performance.timeOrigin")

    started = time.monotonic()
    call = run_like_a_worker(socket_ready, monkeypatch)
    expect(dashboard.call_state(str(call.pk))).to_have_text("queued")
    running = call_start(call_id=str(call.pk), who=WorkerIdentity(hostname="node-a"))
    call_finish(call=running, result="TEXT:Hello", log="said hello\n", commit="abc123", duration_ms=12.5, metrics=[])
    expect(dashboard.call_state(str(call.pk))).to_have_text("finished")
    figures["browser: call submitted -> row finished"] = f"{time.monotonic() - started:.2f} s"
    # The row shows the duration the call's row records (started to finished), the same
    # figure the stored tables show, not the function's own 12.5 ms inside the runner.
    row = Call.objects.get(pk=call.pk)
    recorded = (row.finished - row.started).total_seconds() * 1000
    expect(dashboard.call_row(str(call.pk))).to_contain_text(f"{round(recorded, 3):.1f} ms")
    assert page.evaluate("window.__loadedAt") == page.evaluate("performance.timeOrigin"), "no reload"

    detail = dashboard.open_call(str(call.pk))
    expect(detail.get_by_role("list", name="Events")).to_contain_text("postrun")
    expect(detail.get_by_label("Log")).to_have_text("said hello\n")
    expect(detail).to_contain_text("TEXT:Hello")

    # The socket drops; a call runs meanwhile; the page reconnects and shows it (the server
    # replays what came after the last stream id the page saw), with no reload, nothing missed.
    dashboard.live_cut()
    wait_until(lambda: int(live_redis.hget(SUBSCRIBERS_KEY, "calls:all") or 0) == 0,
               what="the cut socket still subscribed", stack=live_stack, seconds=15)
    missed = run_like_a_worker(socket_ready, monkeypatch)
    call_finish(call=call_start(call_id=str(missed.pk), who=WorkerIdentity(hostname="node-a")),
                result="TEXT:again", log="", commit="abc123", duration_ms=1.0, metrics=[])
    dashboard.live_release()
    expect(dashboard.call_state(str(missed.pk))).to_have_text("finished", timeout=30_000)
    expect(page.get_by_text("were missed")).to_have_count(0)
    assert page.evaluate("window.__loadedAt") == page.evaluate("performance.timeOrigin"), "no reload"


def test_the_calls_page_walks_older_pages_by_cursor_and_back(live_stack, page, alice, socket_ready):
    """60 calls, 25 a page: Older twice reaches the oldest ten through keyset pages (the
    requests carry a cursor, not an offset), Newer comes back the same way."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    Call.objects.bulk_create([
        Call(name=socket_ready.name, socket=socket_ready, task=socket_ready.task, queue="pyfi.queue1",
             state="finished", created=now - timedelta(seconds=n)) for n in range(60)])
    newest_first = [str(pk) for pk in Call.objects.order_by("-created").values_list("id", flat=True)]
    log_in(page, live_stack.url, alice)
    page.goto(f"{live_stack.url}/calls/")
    rows = page.get_by_role("table", name="Calls").locator("tr[data-call]")
    pager = page.get_by_role("navigation", name="Pages")
    expect(rows.first).to_have_attribute("data-call", newest_first[0])
    expect(pager).to_contain_text("Page 1 of 3 · 60 calls")
    for number, first in ((2, 25), (3, 50)):
        with page.expect_request(lambda request: "cursor=" in request.url and "cursor=&" not in request.url):
            pager.get_by_role("button", name="Older").click()
        expect(pager).to_contain_text(f"Page {number} of 3")
        expect(rows.first).to_have_attribute("data-call", newest_first[first])
    expect(rows).to_have_count(10)
    expect(pager.get_by_role("button", name="Older")).to_be_disabled()
    pager.get_by_role("button", name="Newer").click()
    expect(pager).to_contain_text("Page 2 of 3")
    expect(rows.first).to_have_attribute("data-call", newest_first[25])
