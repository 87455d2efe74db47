import pytest
from django.test import RequestFactory

from apps.accounts.services import login_authenticate
from apps.core.errors import NotAuthenticated, RateLimited
from tests.fixtures.people import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def request_from(address: str):
    return RequestFactory().post("/login/", REMOTE_ADDR=address)


def test_the_right_password_gives_the_user(bob):
    assert login_authenticate(request=request_from("10.0.0.1"), username="bob", password=PASSWORD) == bob


def test_a_wrong_password_is_not_authenticated(bob):
    with pytest.raises(NotAuthenticated):
        login_authenticate(request=request_from("10.0.0.1"), username="bob", password="nope")


def test_after_too_many_failures_even_the_right_password_is_refused(bob, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "3/min"}}
    for _ in range(3):
        with pytest.raises(NotAuthenticated):
            login_authenticate(request=request_from("10.0.0.1"), username="bob", password="nope")
    with pytest.raises(RateLimited):
        login_authenticate(request=request_from("10.0.0.1"), username="bob", password=PASSWORD)
    # The username is limited wherever the attempts come from.
    with pytest.raises(RateLimited):
        login_authenticate(request=request_from("10.0.0.2"), username="bob", password=PASSWORD)
