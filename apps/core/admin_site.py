"""One way to register meta-model objects in the Django admin."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from apps.core.models import BaseModel

COMMON = ("name", "status", "requested_status", "enabled", "lastupdated")


def register_base(*model_classes: type[models.Model], base: type[admin.ModelAdmin] = admin.ModelAdmin) -> None:
    """Register BaseModel subclasses with the common columns, filters and search; ``base``
    gives them behaviour of their own (e.g. deletes through the owning app's service)."""
    for model in model_classes:
        assert issubclass(model, BaseModel), model
        attrs = {
            "list_display": COMMON,
            "list_filter": ("status", "enabled"),
            "search_fields": ("name",),
            "readonly_fields": ("id", "created", "lastupdated"),
        }
        admin.site.register(model, type(f"{model.__name__}Admin", (base,), attrs))


def _superusers_only(request) -> bool:
    """The Django admin edits every row without the platform's rules (rights, escalation,
    audit), so only a superuser, who holds every right, may use it."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]
