"""reconcile, deployment_status and processor_status: what an agent does and reports (pure)."""

from __future__ import annotations

from apps.core.models import Status
from apps.engine.agent.reconcile import (
    Forget,
    Mode,
    Pause,
    Phase,
    Restarted,
    Resume,
    Seen,
    Start,
    Stop,
    Wanted,
    deployment_status,
    processor_status,
    reconcile,
    wanted_mode,
)


def want(mode: Mode = Mode.RUN, *, cpus: int = 2, restart: bool = False, idle: bool = False) -> Wanted:
    return Wanted("p", "proc", "d", cpus, mode, restart=restart, idle=idle)


def seen(phase: Phase = Phase.READY, *, cpus: int = 2, consuming: bool | None = True, retry_at: float = 0) -> Seen:
    return Seen("p", cpus, phase, consuming, retry_at)


def test_the_requested_status_decides_whether_a_worker_runs_and_takes_calls():
    for requested in (Status.READY, Status.RUNNING, Status.STARTING):
        assert wanted_mode(requested=requested, enabled=True, has_sockets=True) == Mode.RUN
    assert wanted_mode(requested=Status.PAUSED, enabled=True, has_sockets=True) == Mode.PAUSE
    for requested in (Status.STOPPED, Status.REMOVED):
        assert wanted_mode(requested=requested, enabled=True, has_sockets=True) == Mode.OFF
    assert wanted_mode(requested=Status.RUNNING, enabled=False, has_sockets=True) == Mode.OFF
    assert wanted_mode(requested=Status.RUNNING, enabled=True, has_sockets=False) == Mode.OFF


def test_a_wanted_deployment_without_a_worker_starts_one_paused_when_paused():
    assert reconcile(wanted={"p": want()}, seen={}, now=0) == [Start("p", "proc", 2, paused=False)]
    assert reconcile(wanted={"p": want(Mode.PAUSE)}, seen={}, now=0) == [Start("p", "proc", 2, paused=True)]
    assert reconcile(wanted={"p": want(Mode.OFF)}, seen={}, now=0) == []


def test_workers_no_longer_wanted_are_stopped_and_crashed_ones_forgotten():
    assert reconcile(wanted={}, seen={"p": seen()}, now=0) == [Stop("p")]
    assert reconcile(wanted={"p": want(Mode.OFF)}, seen={"p": seen()}, now=0) == [Stop("p")]
    assert reconcile(wanted={}, seen={"p": seen(Phase.CRASHED)}, now=0) == [Forget("p")]


def test_pause_and_resume_follow_what_the_worker_consumes():
    assert reconcile(wanted={"p": want(Mode.PAUSE)}, seen={"p": seen(consuming=True)}, now=0) == [Pause("p")]
    assert reconcile(wanted={"p": want()}, seen={"p": seen(consuming=False)}, now=0) == [Resume("p")]
    assert reconcile(wanted={"p": want()}, seen={"p": seen(consuming=None)}, now=0) == [Resume("p")]
    assert reconcile(wanted={"p": want(Mode.PAUSE)}, seen={"p": seen(Phase.STARTING)}, now=0) == []


def test_a_restart_or_a_new_share_of_cpus_replaces_the_worker():
    assert reconcile(wanted={"p": want(restart=True)}, seen={"p": seen()}, now=0) == [Stop("p"), Restarted("d")]
    assert reconcile(wanted={"p": want(cpus=4)}, seen={"p": seen(cpus=2)}, now=0) == [Stop("p")]
    assert reconcile(wanted={"p": want(restart=True)}, seen={}, now=0) == [
        Start("p", "proc", 2, paused=False), Restarted("d")]


def test_a_crashed_worker_starts_again_after_its_backoff():
    crashed = {"p": seen(Phase.CRASHED, consuming=None, retry_at=10)}
    assert reconcile(wanted={"p": want()}, seen=crashed, now=9) == []
    assert reconcile(wanted={"p": want()}, seen=crashed, now=10) == [Start("p", "proc", 2, paused=False)]


def test_once_the_actions_are_done_there_is_nothing_left_to_do():
    assert reconcile(wanted={"p": want()}, seen={"p": seen()}, now=0) == []
    assert reconcile(wanted={"p": want(Mode.PAUSE)}, seen={"p": seen(consuming=False)}, now=0) == []


def test_deployment_status_says_what_its_worker_does():
    assert deployment_status(want=want(), worker=seen()) == Status.RUNNING
    assert deployment_status(want=want(Mode.PAUSE), worker=seen(consuming=False)) == Status.PAUSED
    assert deployment_status(want=want(), worker=seen(Phase.STARTING)) == Status.STARTING
    assert deployment_status(want=want(), worker=seen(Phase.CRASHED)) == Status.FAILED
    assert deployment_status(want=want(), worker=None) == Status.STARTING
    assert deployment_status(want=want(Mode.OFF), worker=None) == Status.STOPPED
    assert deployment_status(want=want(Mode.OFF, idle=True), worker=None) == Status.READY


def test_a_processor_reaches_its_status_when_every_deployment_has():
    running, paused, stopped = Status.RUNNING, Status.PAUSED, Status.STOPPED
    assert processor_status(requested=running, deployments=[running, running]) == running
    assert processor_status(requested=Status.STARTING, deployments=[running]) == running
    assert processor_status(requested=Status.PAUSED, deployments=[paused, running]) is None
    assert processor_status(requested=Status.PAUSED, deployments=[paused, paused]) == paused
    assert processor_status(requested=running, deployments=[running, Status.STARTING]) == Status.STARTING
    assert processor_status(requested=running, deployments=[running, Status.FAILED]) == Status.FAILED
    assert processor_status(requested=Status.REMOVED, deployments=[stopped]) == Status.REMOVED
    assert processor_status(requested=stopped, deployments=[]) == stopped
    assert processor_status(requested=running, deployments=[]) is None
