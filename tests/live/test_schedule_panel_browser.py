"""The socket panel previews a schedule before it is saved: its next five runs in the user's
time zone and in UTC, and the server's reason when the cron expression is not valid."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.processors.models import MountStatus
from tests.factories import make_processor, make_task
from tests.live.designer_page import DesignerPage
from tests.live.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cron_schedule_shows_its_next_five_runs_in_the_users_zone_and_utc_or_why_not(live_stack, browser, alice):
    make_task(make_processor(name="clock", mount_status=MountStatus.READY), name="tick")
    context = browser.new_context(timezone_id="Asia/Kolkata")  # UTC+5:30: local and UTC minutes differ
    page = context.new_page()
    log_in(page, live_stack.url, alice)
    designer = DesignerPage(page, live_stack.url).create_flow("clock")
    designer.drag_function("tick", x=200, y=150)
    designer.select("tick")
    page.get_by_label("Cron").fill("0 9 * * *")
    runs = page.get_by_role("region", name="Next runs").get_by_role("listitem")
    expect(runs).to_have_count(5)
    for item in runs.all():
        expect(item).to_have_text(re.compile(r"2:30:00 PM \(Asia/(Kolkata|Calcutta)\) · .* 9:00:00 AM UTC"))
    expect(page.get_by_label("Missed runs")).to_have_value("once")

    page.get_by_label("Cron").fill("61 * * * *")
    expect(page.get_by_role("region", name="Next runs").get_by_role("alert")).to_have_text(
        "The cron expression '61 * * * *' is not valid: bad minute.")
    expect(runs).to_have_count(0)
    context.close()
