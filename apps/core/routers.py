"""The API's router: each prefix is registered once, by the app that owns the resource.

An app above it that adds verbs to that resource (the engine's ``mount`` on processors)
``extend``s the registered viewset with a class of ``@action``s and the rights they need,
so the resource keeps one viewset, one entry in ``GET /api/`` and one place in the schema.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.routers import DefaultRouter


class PlatformRouter(DefaultRouter):
    # No ".json" twins of every URL: the API speaks JSON only.
    include_format_suffixes = False

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        # Any id segment reaches the view (DRF's default stops at a dot), and the view
        # answers a JSON 404 for a malformed one.
        lookup_field = getattr(viewset, "lookup_field", "pk")
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        value = getattr(viewset, "lookup_value_regex", "[^/]+")
        return f"(?P<{lookup_prefix}{kwarg}>{value})"

    def register(self, prefix: str, *args: Any, **kwargs: Any) -> None:
        if any(registered == prefix for registered, _, _ in self.registry):
            raise ImproperlyConfigured(f"The prefix {prefix!r} is registered already: extend its viewset instead.")
        super().register(prefix, *args, **kwargs)

    def extend(self, prefix: str, actions: type) -> None:
        """Add ``actions`` (a plain class of ``@action`` methods with a ``rights`` dict for
        them) to the viewset registered at ``prefix``. Its own actions and rights win no
        clash: a name both declare is refused."""
        for index, (registered, viewset, basename) in enumerate(self.registry):
            if registered != prefix:
                continue
            rights: dict[str, str] = getattr(actions, "rights", {})
            own: dict[str, str] = getattr(viewset, "rights", {})
            clash = sorted(set(rights) & set(own))
            if clash:
                raise ImproperlyConfigured(f"{viewset.__name__} declares {clash} already.")
            extended = type(viewset.__name__, (actions, viewset), {
                "__module__": viewset.__module__, "__doc__": viewset.__doc__,
                "rights": {**own, **rights},
            })
            self.registry[index] = (prefix, extended, basename)
            return
        raise ImproperlyConfigured(f"No viewset is registered at {prefix!r} for {actions.__name__} to extend.")
