"""One way to register meta-model objects in the Django admin."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from apps.core.models import BaseModel

COMMON = ("name", "status", "requested_status", "enabled", "lastupdated")


def register_base(*model_classes: type[models.Model]) -> None:
    """Register BaseModel subclasses with the common columns, filters and search."""
    for model in model_classes:
        assert issubclass(model, BaseModel), model
        attrs = {
            "list_display": COMMON,
            "list_filter": ("status", "enabled"),
            "search_fields": ("name",),
            "readonly_fields": ("id", "created", "lastupdated"),
        }
        admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), attrs))
