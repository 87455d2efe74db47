"""What the engine records of its own: the scheduler's decisions."""

from __future__ import annotations

import uuid

from django.db import models

from apps.calls.models import Call
from apps.processors.models import Socket


class ScheduleDecision(models.TextChoices):
    FIRED = "fired", "Ran on time"
    CAUGHT_UP = "caught_up", "Ran for missed runs"
    SKIPPED = "skipped", "Skipped missed runs"
    REFUSED = "refused", "Not run: its queue was full"


class ScheduleRun(models.Model):
    """One decision of the scheduler about one slot of a socket's schedule: a run (its call
    tells the outcome), or missed runs skipped (one row stands for the batch, at its latest
    slot). One row per slot: a second scheduler deciding the same slot inserts nothing, so
    it never fires twice; the latest slot is where the schedule's clock stands."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    socket = models.ForeignKey(Socket, on_delete=models.CASCADE, related_name="schedule_runs")
    slot = models.DateTimeField(help_text="The time the schedule named (the latest one, for a batch of missed runs).")
    decision = models.CharField(max_length=12, choices=ScheduleDecision.choices)
    missed = models.PositiveIntegerField(default=0, help_text="Missed runs this decision stands for.")
    note = models.CharField(max_length=500, blank=True, default="")
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "schedule_run"
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["socket", "slot"], name="schedule_run_once_per_slot")]
        # The unique index (socket, slot) also serves "the socket's last runs" and its clock.
