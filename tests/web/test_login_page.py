"""The login page in a real browser (Playwright + Debian chromium)."""

from __future__ import annotations

import pytest

from tests.fixtures.people import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_when_alice_logs_in_then_she_sees_the_shell(live_server, page, alice):
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    nav = page.get_by_role("navigation", name="Main")
    for area in ("Designer", "Dashboard", "Network", "Calls", "Admin"):
        assert nav.get_by_role("link", name=area).is_visible()
    assert page.get_by_role("heading", name="Dashboard").is_visible()


def test_when_the_password_is_wrong_then_an_error_shows_and_no_session(live_server, page, alice):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("Your username and password didn't match")
    assert not any(cookie["name"] == "sessionid" for cookie in page.context.cookies())
    page.goto(f"{live_server.url}/calls/")
    assert "/login/" in page.url


def test_a_user_without_ls_users_does_not_see_the_admin_area(live_server, page, charlie):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("charlie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Dashboard").wait_for()
    assert nav.get_by_role("link", name="Admin").count() == 0
