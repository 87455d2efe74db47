"""agent_gone: when a worker counts its agent as gone (pure)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.core.models import Status
from apps.engine.agent.watch import AgentSeen, agent_gone

NOW = timezone.now()


def test_a_running_agent_heard_from_lately_is_there():
    assert agent_gone(seen=AgentSeen(Status.RUNNING, NOW - timedelta(seconds=14)), now=NOW, down_after=15) is None


def test_an_agent_silent_longer_than_a_node_may_be_is_gone():
    reason = agent_gone(seen=AgentSeen(Status.RUNNING, NOW - timedelta(seconds=16)), now=NOW, down_after=15)
    assert reason == "its agent has not been heard from for over 15 s"
    assert agent_gone(seen=AgentSeen(Status.RUNNING, None), now=NOW, down_after=15)


def test_an_agent_stopped_marked_down_or_removed_is_gone():
    assert agent_gone(seen=AgentSeen(Status.DOWN, NOW), now=NOW, down_after=15) == "its agent is down"
    assert agent_gone(seen=AgentSeen(Status.STOPPED, NOW), now=NOW, down_after=15) == "its agent is stopped"
    assert agent_gone(seen=None, now=NOW, down_after=15) == "its agent was removed"
