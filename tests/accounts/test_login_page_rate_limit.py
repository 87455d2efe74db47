"""The /login/ page shares the token endpoint's rate limit on failed attempts."""

import pytest

from tests.fixtures.people import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_after_too_many_failures_the_login_page_answers_429(client, bob, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "2/min"}}
    for _ in range(2):
        failed = client.post("/login/", {"username": "bob", "password": "wrong"})
        assert failed.status_code == 200 and b"didn't match" in failed.content
    limited = client.post("/login/", {"username": "bob", "password": PASSWORD})
    assert limited.status_code == 429
    assert b"Too many failed log-in attempts" in limited.content
    assert "_auth_user_id" not in client.session


def test_the_right_password_logs_in(client, bob):
    response = client.post("/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)
