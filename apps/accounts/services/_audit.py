from __future__ import annotations

from django.db import models

from apps.accounts.models import Actor
from apps.core.services import audit_record

SOURCE = "accounts"


def audit(*, by: Actor, obj: models.Model, text: str) -> None:
    """One audit entry from the accounts services. ``text`` never holds a secret."""
    audit_record(by=by, obj=obj, text=text, source=SOURCE)
