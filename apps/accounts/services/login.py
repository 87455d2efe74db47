"""Log-in with a password, rate-limited per username and per client address.

The /login/ page, the Django admin's log-in and the token endpoint use it. The limit is the
``login`` rate of REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (env LOGIN_RATE, default 10/min):
after that many failures for one username in the window, every attempt at it (even a right
one) is refused until the window ends. An address gets ADDRESS_FACTOR times as many, so a
team behind one address is not locked out by one person's typos, while spraying many
usernames from one address still stops. The counts live in the shared cache (Redis), so
every web process sees the same ones.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest

from apps.accounts.models import User
from apps.core.errors import NotAuthenticated, RateLimited

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
ADDRESS_FACTOR = 10


def _login_rate() -> tuple[int, int]:
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get("login") or "10/min"
    count, period = rate.split("/")
    return int(count), _PERIODS[period.strip()[0]]


def _failure_keys(*, username: str, address: str, limit: int) -> list[tuple[str, int]]:
    """Each counter a failure adds to, with the count that locks it."""
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [(f"login-failures:addr:{address}", limit * ADDRESS_FACTOR), (f"login-failures:user:{name}", limit)]


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _count_failure(*, key: str, window: int) -> None:
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


def login_authenticate(*, request: HttpRequest, username: str, password: str) -> User:
    """The user with these credentials, or NotAuthenticated; RateLimited after too many failures."""
    limit, window = _login_rate()
    keys = _failure_keys(username=username, address=_client_address(request), limit=limit)
    if any((cache.get(key) or 0) >= locks_at for key, locks_at in keys):
        raise RateLimited("Too many failed log-in attempts. Wait a minute and try again.")
    user = authenticate(request, username=username, password=password)
    if user is None:
        for key, _ in keys:
            _count_failure(key=key, window=window)
        raise NotAuthenticated("Invalid username or password.")
    return user
