"""Flows, their immutable versions (the canvas document) and files."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from apps.core.models import BaseModel
from apps.processors.models import Processor


class File(BaseModel):
    path = models.CharField(max_length=500, blank=True, default="")
    filename = models.CharField(max_length=200, blank=True, default="")
    collection = models.CharField(max_length=200, blank=True, default="")
    code = models.TextField(blank=True, default="")
    type = models.CharField(max_length=40, blank=True, default="")
    icon = models.CharField(max_length=40, blank=True, default="")

    class Meta(BaseModel.Meta):
        db_table = "file"


class Flow(BaseModel):
    # Its versions are what calls record: a write through the services bumps the topology
    # (apps.core.topology), which workers keep in memory.
    shapes_topology: ClassVar[bool] = True

    file = models.ForeignKey(File, null=True, blank=True, on_delete=models.SET_NULL, related_name="flows")
    processors = models.ManyToManyField(Processor, blank=True, related_name="flows")
    description = models.TextField(blank=True, default="")
    deployed_version = models.ForeignKey(
        "Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(BaseModel.Meta):
        db_table = "flow"


class Version(BaseModel):
    """An immutable snapshot of a flow's canvas document. Never updated once saved."""

    shapes_topology: ClassVar[bool] = True

    name = models.CharField(max_length=200)
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    message = models.CharField(max_length=500, blank=True, default="")
    document = models.JSONField(help_text="The canvas document: nodes, edges, notes, groups.")
    file = models.ForeignKey(File, null=True, blank=True, on_delete=models.SET_NULL, related_name="versions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(BaseModel.Meta):
        db_table = "versions"
        ordering = ["flow", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "number"], name="version_number_per_flow"),
        ]
