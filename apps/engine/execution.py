"""Run one call inside a worker process: hand it to the runner in the processor's venv,
then record the outcome. Plain functions; the Celery task in tasks.py is a thin shell.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apps.calls.models import Call
from apps.engine.dispatch import call_publish
from apps.engine.ending import call_end
from apps.engine.pressure import QueueFull
from apps.engine.queues import call_destination
from apps.engine.recording import WorkerIdentity, call_retry, call_start, failure, success
from apps.engine.routing import route_plan
from apps.engine.runner_client import RunnerCrashed, RunnerProcess, RunnerTimeout
from apps.engine.runner_user import RunnerUser

logger = logging.getLogger(__name__)


@dataclass
class WorkerContext:
    """What a worker process knows about itself: one processor and its mount."""

    processor_id: str
    python: Path
    source: Path
    commit: str
    who: WorkerIdentity
    secrets: dict[str, str] = field(default_factory=dict)
    runner_user: RunnerUser | None = None  # None: user code runs as the worker's own user
    _runner: RunnerProcess | None = None

    def runner(self) -> RunnerProcess:
        if self._runner is None:
            self._runner = RunnerProcess(self.python, self.source, self.secrets, user=self.runner_user)
        return self._runner


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: int | None = None
    result: Any = None
    error: str = ""


def call_execute(*, call_id: str, context: WorkerContext, generation: int | None = None,
                 seen: int | None = None) -> Outcome:
    call = call_start(call_id=call_id, who=context.who, generation=generation, seen=seen)
    if call is None:
        return Outcome(state="skipped")
    socket = call.socket
    try:
        response = context.runner().call(
            module=socket.module, function=call.function,
            args=call.arguments.get("args", []), kwargs=call.arguments.get("kwargs", {}),
            timeout=socket.timelimit or None,
        )
    except RunnerTimeout:
        response = _failure(f"{call.name} did not finish within its time limit of {socket.timelimit} s; "
                            "the runner was stopped and replaced.")
    except RunnerCrashed as crash:
        response = _failure(f"The runner process died while running {call.name}: {crash}")
    except ValueError as problem:
        response = _failure(str(problem))
    if response["ok"]:
        result = response.get("result")
        ending = success(call=call, result=result, log=response.get("log", ""), commit=context.commit,
                         duration_ms=response.get("duration_ms", 0.0), metrics=response.get("metrics") or [])
        route = route_plan(call=call, ok=True, value=result, named=response.get("plugs") or None)
        call_end(call=call, ending=ending, route=route)
        return Outcome(state="finished", result=result)
    error = _error_text(response)
    if call.attempts <= socket.retries:
        call_retry(call=call, error=error, attempt=call.attempts, delay=socket.retrydelay)
        return Outcome(state="retry", retry_in=socket.retrydelay)
    value = {"error": error, "call": str(call.pk), "socket": call.name}
    call_end(call=call, ending=failure(call=call, error=error, log=response.get("log", ""), commit=context.commit),
             route=route_plan(call=call, ok=False, value=value))
    return Outcome(state="failed", error=error)


def call_retry_later(*, call_id: str, delay: int, context: WorkerContext) -> Outcome:
    """Send a call that asked for a retry again, due in ``delay`` seconds, on the queue it
    came on. Celery's own retry rejects the message when that publish is refused (a full
    queue), and the call would be lost in "retry"; here a full queue is waited out in this
    slot instead (the delay, then the next attempt runs here), so nothing is lost and the
    slot never waits for room that only it could make."""
    while True:
        call = Call.objects.select_related("socket__queue", "socket__processor").get(pk=call_id)
        try:
            call_publish(call=call, destination=call_destination(socket=call.socket, queue=call.queue),
                         countdown=delay, wait=False)
            return Outcome(state="retry", retry_in=delay)
        except QueueFull:
            logger.info("call %s: its queue is full; retrying in this slot in %s s", call_id, delay)
        time.sleep(delay)
        outcome = call_execute(call_id=call_id, context=context)
        if outcome.retry_in is None:
            return outcome
        delay = outcome.retry_in


def _failure(message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"type": "PlatformError", "message": message}, "log": ""}


def _error_text(response: dict[str, Any]) -> str:
    error = response.get("error") or {}
    kind, message = error.get("type", "Error"), error.get("message", "the call failed")
    return f"{kind}: {message}" if kind != "PlatformError" else message
