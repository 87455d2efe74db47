"""The processor page in a real browser: mount status, functions, and a run from the page."""

from __future__ import annotations

import pytest

from apps.processors.models import Processor
from tests.fixtures.people import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Main").wait_for()


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_user_sees_the_mount_and_runs_a_function_from_the_page(live_server, page, alice, proc1, start_worker):
    start_worker("proc1")
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/processors/{proc1.pk}/")
    assert page.locator("#mount-status").inner_text() == "Ready"
    functions = page.get_by_role("table").first
    add_two = functions.get_by_role("row").filter(has=page.get_by_role("cell", name="add_two", exact=True))
    assert add_two.get_by_text("one", exact=True).is_visible() and add_two.get_by_text("two", exact=True).is_visible()
    row = page.get_by_role("row", name="pyfi.processors.sample.do_this")
    row.get_by_label("Arguments (JSON list)").fill('["from the page"]')
    row.get_by_role("button", name="Run").click()
    row.locator("output").filter(has_text="finished").wait_for(timeout=30_000)
    assert row.locator("output").inner_text() == 'finished: "Do this: from the page"'
    page.reload()
    assert page.get_by_role("cell", name="finished").first.is_visible(), "the call shows in recent calls"


def test_bad_json_is_refused_in_the_form_before_anything_is_sent(live_server, page, alice, proc1):
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/processors/{proc1.pk}/")
    row = page.get_by_role("row", name="pyfi.processors.sample.do_this")
    row.get_by_label("Arguments (JSON list)").fill("['python', 'not json']")
    row.get_by_role("button", name="Run").click()
    assert row.locator("output").inner_text().startswith("Not valid JSON")
    assert not Processor.objects.get(pk=proc1.pk).sockets.filter(calls__isnull=False).exists()


def test_a_user_without_read_processor_gets_a_clear_403(live_server, page, charlie, proc1):
    log_in(page, live_server, "charlie")
    response = page.goto(f"{live_server.url}/processors/{proc1.pk}/")
    assert response.status == 403
    assert "READ_PROCESSOR" in page.get_by_role("alert").inner_text()
