"""A worker started by an agent watches that agent, and stops taking calls once it is gone.

A node whose agent died is marked down and what it ran is placed elsewhere; its workers
must not go on consuming meanwhile (the calls would run on a node the network counts as
down, beside the replacements). The agent may be restarting, though, and a restarted agent
takes its workers over (agent.py): so the worker waits as long as the network would before
marking the node down, and two heartbeats more (by then its work has been placed elsewhere).
Every ``AGENT_HEARTBEAT`` seconds it reads its agent's row; when the agent is no longer
running (stopped, or marked down) or has been silent that long, it stops the way an agent
stops a worker: a warm shutdown (SIGTERM to itself: it takes no call from then on, its
current calls finish), and if that has not ended it after ``STOP_GRACE`` seconds, it kills
its own process group. Its calls are acknowledged late, so whatever it still held goes back
to the queue.

A database it cannot read says nothing about the agent: the watch waits for the next look.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from apps.core.models import Status
from apps.network.models import Agent

logger = logging.getLogger(__name__)

STOP_GRACE = 60.0  # as the agent's own (agent.STOP_GRACE): running calls get this long


@dataclass(frozen=True)
class AgentSeen:
    status: str
    heartbeat: datetime | None


def agent_gone(*, seen: AgentSeen | None, now: datetime, down_after: float) -> str | None:
    """Why the agent counts as gone (None: it is there)."""
    if seen is None:
        return "its agent was removed"
    if seen.status != Status.RUNNING:
        return f"its agent is {seen.status}"
    if seen.heartbeat is None or now - seen.heartbeat > timedelta(seconds=down_after):
        return f"its agent has not been heard from for over {down_after:.0f} s"
    return None


def agent_seen(*, name: str) -> AgentSeen | None:
    row = Agent.objects.filter(name=name).values_list("status", "heartbeat").first()
    return AgentSeen(*row) if row else None


class AgentWatch(threading.Thread):
    """Runs in the worker's main process (started before the pool forks its children)."""

    def __init__(self, *, agent: str, worker: str) -> None:
        super().__init__(name="elasticcode-agent-watch", daemon=True)
        self.agent, self.worker = agent, worker
        self.interval = float(settings.AGENT_HEARTBEAT)
        self.down_after = float(settings.AGENT_DOWN_AFTER) + 2 * self.interval

    def run(self) -> None:
        reason = None
        while reason is None:
            time.sleep(self.interval)
            reason = self.look()
        logger.warning("worker %s stops taking calls: %s; its current calls finish", self.worker, reason)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(STOP_GRACE)
        logger.warning("worker %s did not stop within %.0f s; killing it", self.worker, STOP_GRACE)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    def look(self) -> str | None:
        try:
            seen = agent_seen(name=self.agent)
        except DatabaseError as error:
            logger.warning("worker %s cannot see its agent %s (%s); looking again", self.worker, self.agent, error)
            close_old_connections()
            return None
        return agent_gone(seen=seen, now=timezone.now(), down_after=self.down_after)


def agent_watch_start(*, agent: str, worker: str) -> AgentWatch:
    watch = AgentWatch(agent=agent, worker=worker)
    watch.start()
    return watch
