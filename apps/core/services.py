"""Writes every app shares: create, update and delete an object with validation and audit.

App services call these for plain objects and add their own rules around them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from apps.core.models import Log
from apps.core.topology import shapes_topology, topology_changed

M = TypeVar("M", bound=models.Model)


def audit_record(*, by, obj: models.Model, text: str, source: str) -> Log:
    """Write one audit-log entry (who, what, when). Text must never hold a secret."""
    user = by if getattr(by, "is_authenticated", False) else None
    return Log.objects.create(
        user=user, oid=str(obj.pk), discriminator=type(obj).__name__, text=text[:2000], source=source
    )


def object_create(*, model: type[M], by, fields: dict[str, Any], audit: bool = False) -> M:
    """Validate and save a new object owned by ``by``."""
    instance = model(**fields)
    if (hasattr(instance, "owner") and getattr(by, "is_authenticated", False)
            and not getattr(instance, "owner_id", None)):
        instance.owner = by
    with transaction.atomic():
        instance.full_clean()
        instance.save()
        _topology_check(instance)
        if audit:
            audit_record(by=by, obj=instance, text=f"created {model.__name__} {instance}", source="api")
    return instance


def object_update(*, instance: M, by, fields: dict[str, Any], audit: bool = False) -> M:
    """Validate and save changed fields."""
    for name, value in fields.items():
        setattr(instance, name, value)
    with transaction.atomic():
        instance.full_clean()
        instance.save()
        _topology_check(instance)
        if audit:
            changed = ", ".join(sorted(fields))
            audit_record(by=by, obj=instance, text=f"updated {changed} of {instance}", source="api")
    return instance


def object_delete(*, instance: models.Model, by, audit: bool = False) -> None:
    with transaction.atomic():
        if audit:
            audit_record(by=by, obj=instance, text=f"deleted {type(instance).__name__} {instance}", source="api")
        instance.delete()
        _topology_check(instance)


def _topology_check(instance: models.Model) -> None:
    """Writes to what routes calls make every process re-read it (apps.core.topology)."""
    if shapes_topology(type(instance)):
        topology_changed()
