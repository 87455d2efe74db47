"""Page objects of the live screens (one per screen), acting by role and label."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client
from playwright.sync_api import Locator, Page


def log_in(page: Page, base_url: str, user) -> None:
    """A session made by Django's test client, handed to the browser (the server process
    may hash passwords differently from the test process)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


@dataclass
class DashboardPage:
    page: Page
    base_url: str

    def open(self) -> DashboardPage:
        self.page.goto(f"{self.base_url}/")
        self.page.get_by_role("status").filter(has_text="Live").wait_for()
        return self

    def live_calls(self) -> Locator:
        return self.page.get_by_role("table", name="Live calls")

    def call_row(self, call_id: str) -> Locator:
        return self.page.locator(f'tr[data-call="{call_id}"]')

    def call_state(self, call_id: str) -> Locator:
        return self.call_row(call_id).locator("td.state")

    def counter(self, label: str) -> Locator:
        return self.page.get_by_role("group", name=label).locator(".value")

    def open_call(self, call_id: str) -> Locator:
        self.page.get_by_role("button", name=f"Open call {call_id}").click()
        return self.page.get_by_role("dialog", name="Call detail")
