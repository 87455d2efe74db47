"""Operator verbs that reach workers: mount a processor, run a socket, cancel a call."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction

from apps.calls.models import FINAL_STATES, Call
from apps.core.errors import Conflict, NotFound
from apps.engine.dispatch import call_submit
from apps.engine.mount_status import mount_status_set
from apps.engine.recording import call_cancel
from apps.processors.models import MountStatus, Processor, Socket
from apps.processors.services import processor_repository_url, repository_check
from flowsite.celery import app as celery_app

MOUNT_TASK = "elasticcode.mount"


def processor_mount_request(*, processor: Processor, by) -> Processor:
    """Queue a mount on the platform worker; the processor shows queued, mounting, ready or failed."""
    repository_check(url=processor_repository_url(processor=processor))
    if processor.mount_status == MountStatus.MOUNTING:
        raise Conflict(f"{processor.name} is being mounted already.")
    with transaction.atomic():
        mount_status_set(processor=processor, status=MountStatus.QUEUED)
        transaction.on_commit(lambda: celery_app.send_task(
            MOUNT_TASK, kwargs={"processor_id": str(processor.pk)}, queue=settings.PLATFORM_QUEUE))
    return processor


def socket_run(*, socket: Socket, args: Any, kwargs: Any, by, run: uuid.UUID | None = None) -> Call:
    """Start a new run of the socket (the Run button, ``flow task run``), or add the call to
    the existing ``run``, so a join waiting in that run can complete (``--run``)."""
    if run is not None and not Call.objects.filter(tracking=run).exists():
        raise NotFound(f"No run {run}: give the tracking id of a call that ran.", detail={"run": ["No such run."]})
    return call_submit(socket=socket, args=args, kwargs=kwargs, by=by, tracking=run)


def call_cancel_request(*, call: Call, by) -> Call:
    """Cancel a queued or running call; a worker that receives it later skips it."""
    if call.state in FINAL_STATES:
        raise Conflict(f"The call is {call.state} already.")
    if call_cancel(call=call, by=by):
        # A running call's pool process is stopped; its message comes back and is skipped.
        celery_app.control.revoke(str(call.pk), terminate=True, signal="SIGTERM")
    call.refresh_from_db()
    return call
