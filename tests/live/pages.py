"""Page objects of the live screens (one per screen), acting by role and label."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client
from playwright.sync_api import Locator, Page

NOT_RELOADED = "window.__notReloaded"


def mark_page(page: Page) -> Page:
    """Mark the document shown, so a test can tell later that it was never reloaded."""
    page.evaluate(f"{NOT_RELOADED} = true")
    return page


def never_reloaded(page: Page) -> bool:
    return page.evaluate(f"{NOT_RELOADED} === true")


def log_in(page: Page, base_url: str, user) -> None:
    """A session made by Django's test client, handed to the browser (the server process
    may hash passwords differently from the test process)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


# Lets a test cut the page's live socket and keep it from reconnecting until released: while
# held, a new socket goes to a port where nothing listens (it fails, the client backs off).
SOCKET_HOLD = """(() => {
  const Native = window.WebSocket;
  window.__liveSockets = [];
  window.__liveHeld = false;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(window.__liveHeld ? "ws://127.0.0.1:9/" : url, protocols);
      window.__liveSockets.push(this);
    }
  };
})();"""


def live_hold_install(page: Page) -> None:
    """Before the page loads: let the test cut its live sockets (``live_cut``)."""
    page.add_init_script(SOCKET_HOLD)


def live_cut(page: Page) -> None:
    """Close the page's live sockets and hold reconnects (until ``live_release``)."""
    page.evaluate("window.__liveHeld = true; window.__liveSockets.forEach((s) => s.close())")


def live_release(page: Page) -> None:
    page.evaluate("window.__liveHeld = false")


@dataclass
class DashboardPage:
    page: Page
    base_url: str

    def open(self) -> DashboardPage:
        live_hold_install(self.page)
        self.page.goto(f"{self.base_url}/")
        self.page.get_by_role("status").filter(has_text="Live").wait_for()
        return self

    def live_cut(self) -> None:
        live_cut(self.page)

    def live_release(self) -> None:
        live_release(self.page)

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


@dataclass
class RepositoriesPage:
    """Admin > Trusted repositories: the rules a processor's repository must match."""

    page: Page
    base_url: str

    def open(self) -> RepositoriesPage:
        self.page.goto(f"{self.base_url}/admin/repositories/")
        return self

    def trust(self, name: str, pattern: str) -> None:
        section = self.page.get_by_role("region", name="New rule")
        section.get_by_label("Rule name").fill(name)
        section.get_by_label("Pattern").fill(pattern)
        section.get_by_label("Kind").select_option("allow")
        section.get_by_role("button", name="Add rule").click()
        self.page.get_by_role("table", name="Trusted repositories").get_by_role("row").filter(
            has_text=pattern).wait_for()


@dataclass
class CallsPage:
    """The Calls page: every call, newest first, updated live in place."""

    page: Page
    base_url: str

    def open(self) -> CallsPage:
        self.page.goto(f"{self.base_url}/calls/")
        self.page.get_by_role("status").filter(has_text="Live").wait_for()
        return self

    def call_row(self, call_id: str) -> Locator:
        return self.page.get_by_role("table", name="Calls").locator(f'tr[data-call="{call_id}"]')
