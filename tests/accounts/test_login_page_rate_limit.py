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


def test_the_django_admin_log_in_is_limited_like_login(client, alice, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "2/min"}}
    for _ in range(2):
        client.post("/django-admin/login/", {"username": "alice", "password": "wrong"})
    limited = client.post("/django-admin/login/?next=/django-admin/", {"username": "alice", "password": PASSWORD})
    assert b"Too many failed log-in attempts" in limited.content
    assert "_auth_user_id" not in client.session


def test_one_users_typos_do_not_lock_out_a_colleague_behind_the_same_address(client, bob, charlie, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "2/min"}}
    for _ in range(3):
        client.post("/login/", {"username": "bob", "password": "wrong"})
    assert client.post("/login/", {"username": "bob", "password": PASSWORD}).status_code == 429
    colleague = client.post("/login/", {"username": "charlie", "password": PASSWORD})
    assert colleague.status_code == 302


def test_the_failure_counts_live_in_the_shared_cache(settings):
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("login-probe", 1, timeout=5)
    import redis

    raw = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    assert any(b"login-probe" in key for key in raw.scan_iter(match="*login-probe*"))
