"""Every view under /api/ declares the right each of its actions needs; none is left open
by accident. Walks the URL patterns, not a list kept by hand."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from apps.accounts.permissions import AUTHENTICATED, PUBLIC, HasRight
from apps.accounts.rights import Right

ALLOWED = set(Right.values) | {PUBLIC, AUTHENTICATED}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def api_views():
    return [(route, callback) for route, callback in _patterns(get_resolver()) if route.startswith("api/")]


def _actions(callback) -> dict[str, str]:
    """HTTP method -> the name the view's ``rights`` is keyed by."""
    if getattr(callback, "actions", None):  # a viewset route
        return {method: action for method, action in callback.actions.items() if method != "head"}
    view_class = callback.view_class
    methods = [m for m in view_class.http_method_names if hasattr(view_class, m) and m not in ("options", "head")]
    return {method: method for method in methods}


def undeclared(route: str, callback) -> list[str]:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return [f"{route}: not a DRF view"]
    if not any(issubclass(p, HasRight) for p in view_class.permission_classes):
        return [f"{route}: {view_class.__name__} does not use HasRight"]
    rights = getattr(view_class, "rights", None) or {}
    problems = []
    for method, action in _actions(callback).items():
        right = rights.get(action)
        if right is None:
            problems.append(f"{method.upper()} {route}: {view_class.__name__}.{action} declares no right")
        elif right not in ALLOWED:
            problems.append(f"{method.upper()} {route}: {right!r} is not a right")
    return problems


def test_the_walk_finds_the_whole_api():
    routes = [route for route, _ in api_views()]
    assert len(routes) > 60
    assert any("processors" in route for route in routes)
    assert "api/schema/" in routes


def test_every_api_view_declares_a_right_for_every_action():
    problems = [problem for route, callback in api_views() for problem in undeclared(route, callback)]
    assert problems == []


def test_a_view_without_a_declared_right_is_reported():
    from rest_framework import viewsets

    class Careless(viewsets.ViewSet):
        rights = {"list": Right.LS_QUEUES}

        def list(self, request): ...

        def create(self, request): ...

    callback = Careless.as_view({"get": "list", "post": "create"})
    assert undeclared("api/careless/", callback) == [
        "POST api/careless/: Careless.create declares no right"
    ]
