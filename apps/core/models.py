"""The base every object of the meta-model shares, plus the audit log and settings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    READY = "ready"
    QUEUED = "queued"
    STARTING = "starting"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    FAILED = "failed"
    REMOVED = "removed"
    UP = "up"
    DOWN = "down"


class BaseModel(models.Model):
    """The specification's common fields. Names are unique per object type."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The user who created the object.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READY)
    requested_status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.READY,
        help_text="The status an operator asked for; services converge status to it.",
    )
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    lastupdated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Log(models.Model):
    """The audit log: who changed what, and when. Rows are never updated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    public = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    oid = models.CharField(max_length=40, help_text="Id of the object the entry is about.")
    discriminator = models.CharField(max_length=40, help_text="Type of that object.")
    text = models.TextField()
    source = models.CharField(max_length=40, help_text="The service that wrote the entry.")

    class Meta:
        ordering = ["-created"]
        indexes = [
            # The object page lists its history: newest entries of one object.
            models.Index(fields=["discriminator", "oid", "-created"], name="log_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M:%S} {self.discriminator} {self.text}"


class Setting(BaseModel):
    """A named platform setting (the specification's ``settings`` table)."""

    value = models.CharField(max_length=500)

    class Meta(BaseModel.Meta):
        db_table = "core_settings"
