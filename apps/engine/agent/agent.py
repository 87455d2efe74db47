"""The agent: one per node. It registers its node, heartbeats its metrics, and runs one
worker per deployment placed on its hostname, following each processor's requested status.

It wakes on the control channel (a status asked, a placement changed, a worker ready, a
stop command), so a change takes effect within a fraction of a second; it also looks again
at every heartbeat, so a missed message costs one heartbeat at most. At each heartbeat it
runs the network check (see failover.py). SIGTERM, SIGINT or ``manage.py agent_stop`` stop
it cleanly: its workers finish their current calls, its node is marked down and what it
ran moves to healthy nodes. A restarted agent adopts the workers it left running and
replaces each with a worker of its own (supervisor.py); they stop on their own if no agent
comes back within AGENT_DOWN_AFTER (watch.py).
"""

from __future__ import annotations

import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis
from django.conf import settings
from django.db import close_old_connections

from apps.core.models import Status
from apps.engine.agent import state
from apps.engine.agent.control import consuming_set, processor_queues
from apps.engine.agent.failover import network_check, placements_repair, processors_on
from apps.engine.agent.follow import queues_follow
from apps.engine.agent.local import agent_refuse_duplicate
from apps.engine.agent.metrics import node_metrics
from apps.engine.agent.reconcile import (
    Action,
    Forget,
    Mode,
    Pause,
    Phase,
    Restarted,
    Resume,
    Start,
    Stop,
    Wanted,
    deployment_status,
    reconcile,
)
from apps.engine.agent.supervisor import Supervisor
from apps.engine.events import event_publish
from apps.engine.monitor.loop import TICK_ERRORS, Monitor, monitor_from_settings
from apps.network.models import Agent, Network
from apps.network.nodes import agent_heartbeat, agent_register, agent_stopped
from apps.network.notify import control_decode, control_subscribe

logger = logging.getLogger(__name__)

SHUTDOWN_GRACE = 8.0  # bin/run kills what is left 10 s after asking its children to stop
STOP_GRACE = 60.0  # a stopped worker's running calls get this long before it is killed
BUSY_TICK = 0.25  # while workers start or stop, or an action is to be retried
MONITOR_INTERVAL = 1.0  # a queue-monitor agent (--queues) samples the queues this often


@dataclass(frozen=True)
class AgentConfig:
    name: str
    cpus: int
    monitor_only: bool = False
    network: str | None = None
    heartbeat: float = 3.0
    standby: int = 1
    log_dir: Path = field(default_factory=lambda: Path(settings.STATE_DIR) / "logs")


class _Interrupted(Exception):
    """A stop signal arrived while the agent was waiting."""


class AgentLoop:
    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.supervisor = Supervisor(hostname=config.name, log_dir=config.log_dir,
                                     standby=0 if config.monitor_only else config.standby)
        self.agent: Agent | None = None
        self.command: str | None = None  # "stop" or "kill" once asked
        self.next_heartbeat = 0.0
        self.busy = False
        self.waiting = False
        self.standby_warm = 0
        self.monitor: Monitor | None = None  # --queues: this agent runs the queue monitor
        self.next_sample = 0.0

    def run(self) -> None:
        """Block until stopped."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        agent_refuse_duplicate(name=self.config.name)
        self.agent = agent_register(name=self.config.name, cpus=self.config.cpus, pid=os.getpid(),
                                    monitor_only=self.config.monitor_only, network=self.config.network,
                                    metrics=node_metrics())
        self._adopt()
        if self.config.monitor_only:
            self.monitor = monitor_from_settings(interval=MONITOR_INTERVAL, network_id=self._network_id())
        self.supervisor.standby.ensure()
        pubsub = control_subscribe()
        logger.info("agent %s up: %s cpus%s", self.config.name, self.config.cpus,
                    " (queue monitor only)" if self.config.monitor_only else "")
        try:
            while self.command is None:
                pubsub = self._wait(pubsub)
                if self.command is None:
                    self._tick_safely()
        finally:
            pubsub.close()
            self._shutdown()

    def _on_signal(self, signum, frame) -> None:
        self.command = self.command or "stop"
        if self.waiting:
            raise _Interrupted()

    def _wait(self, pubsub):
        """Sleep until a control message, the next heartbeat or a busy tick."""
        timeout = BUSY_TICK if self.busy or self.supervisor.transitional() else \
            max(0.0, self.next_heartbeat - time.monotonic())
        if self.monitor is not None:
            timeout = min(timeout, max(0.0, self.next_sample - time.monotonic()))
        self.waiting = True
        try:
            message = pubsub.get_message(timeout=timeout)
            while message is not None:
                self._on_message(control_decode(message))
                message = pubsub.get_message(timeout=0)
        except _Interrupted:
            pass
        except redis.RedisError as error:
            logger.warning("control channel lost (%s); subscribing again", error)
            time.sleep(1)
            pubsub = _resubscribe(pubsub)
        finally:
            self.waiting = False
        return pubsub

    def _on_message(self, data: dict) -> None:
        if data.get("agent") == self.config.name and data.get("command") in {"stop", "kill"}:
            self.command = data["command"]

    def _tick_safely(self) -> None:
        try:
            self._tick()
        except Exception:  # the agent outlives a database or broker outage
            logger.exception("agent %s: tick failed; trying again", self.config.name)
            close_old_connections()
            time.sleep(1)

    def _tick(self) -> None:
        now = time.monotonic()
        for handle in self.supervisor.poll(now):
            state.worker_exited(name=handle.name, pid=handle.pid, failed=handle.phase == Phase.CRASHED)
        if now >= self.next_heartbeat:
            self.next_heartbeat = now + self.config.heartbeat
            self._heartbeat()
        if self.config.monitor_only:
            self._sample(now)
            return
        self._notice_ready()
        self._notice_standby()
        wanted, recorded = state.host_view(hostname=self.config.name)
        self.supervisor.adopted_settle(wanted={pid for pid, want in wanted.items() if want.mode != Mode.OFF},
                                       grace=STOP_GRACE)
        seen = {processor_id: handle.seen() for processor_id, handle in self.supervisor.handles.items()}
        actions = reconcile(wanted=wanted, seen=seen, now=now)
        for action in actions:
            self._act(action)
        self.busy = any(isinstance(action, (Pause, Resume)) for action in actions)
        queues_follow(self.supervisor.handles.values())
        self._record(wanted, recorded)

    def _network_id(self) -> str | None:
        if not self.config.network:
            return None
        return next((str(pk) for pk in Network.objects.filter(name=self.config.network).values_list("pk", flat=True)),
                    None)

    def _sample(self, now: float) -> None:
        """One queue-monitor tick when due; a broker or database error waits for the next."""
        if self.monitor is None or now < self.next_sample:
            return
        self.next_sample = now + MONITOR_INTERVAL
        try:
            self.monitor.tick()
        except TICK_ERRORS as error:
            logger.error("agent %s: queue monitor tick failed: %s", self.config.name, error)
            self.monitor.reset()

    def _heartbeat(self) -> None:
        metrics = node_metrics()
        ready = [h.name for h in self.supervisor.handles.values() if h.phase == Phase.READY]
        if self.agent is None:  # not registered yet
            return
        agent_heartbeat(agent=self.agent, metrics=metrics, workers=ready)
        event_publish({"kind": "node", "event": "heartbeat", "node": self.config.name, "status": Status.UP,
                       "agent": Status.RUNNING, "cpus": self.config.cpus, "workers": len(ready), **metrics})
        network_check(owner=self.config.name, interval=self.config.heartbeat)

    def _notice_ready(self) -> None:
        starting = {h.name: h for h in self.supervisor.handles.values() if h.phase == Phase.STARTING}
        if not starting:
            return
        for name, pid in state.ready_workers(names=list(starting)).items():
            handle = starting[name]
            if pid == handle.pid:
                handle.phase, handle.failures = Phase.READY, 0
                logger.info("worker %s ready", name)

    def _notice_standby(self) -> None:
        warm = self.supervisor.standby.ready()
        if warm != self.standby_warm:
            self.standby_warm = warm
            logger.info("standby workers warm: %s of %s", warm, self.config.standby)

    def _act(self, action: Action) -> None:
        match action:
            case Start():
                self.supervisor.start(processor_id=action.processor_id, processor_name=action.processor_name,
                                      cpus=action.cpus, paused=action.paused)
            case Stop():
                self.supervisor.stop(action.processor_id, grace=STOP_GRACE)
            case Forget():
                self.supervisor.forget(action.processor_id)
            case Pause() | Resume():
                self._consuming(action.processor_id, consume=isinstance(action, Resume))
            case Restarted():
                state.restart_consumed(deployment_id=action.deployment_id)

    def _consuming(self, processor_id: str, *, consume: bool) -> None:
        handle = self.supervisor.handles[processor_id]
        queues = processor_queues(processor_id=processor_id)
        if consuming_set(worker=handle.node, queues=queues, consume=consume):
            handle.consuming = consume
            handle.queues = frozenset(q.name for q in queues) if consume else None
            logger.info("worker %s %s", handle.name, "resumed" if consume else "paused")

    def _record(self, wanted: dict[str, Wanted], recorded: dict[str, state.Recorded]) -> None:
        """Write the statuses reached: deployments first, then their processors. A stopped
        worker counts as stopped once it runs no call (it may take a moment more to exit)."""
        changes, processors = {}, set()
        draining = self._draining()
        for processor_id, want in wanted.items():
            handle = self.supervisor.handles.get(processor_id)
            status = deployment_status(want=want, worker=handle.seen() if handle else None)
            now = recorded.get(want.deployment_id)
            if now is None or (handle is None and processor_id in draining):
                continue
            if now.status != status:
                changes[want.deployment_id] = status
                processors.add(processor_id)
            elif state.processor_unsettled(recorded=now):
                processors.add(processor_id)
        if changes:
            state.deployment_statuses_write(statuses=changes)
        for processor_id in processors:
            state.processor_status_refresh(processor_id=processor_id)

    def _draining(self) -> set[str]:
        """Processors (ids) of retiring workers that still run a call."""
        retiring = {h.name: h.processor_id for h in self.supervisor.retiring}
        if not retiring:
            return set()
        return {retiring[name] for name in state.workers_running_calls(names=list(retiring))}

    def _adopt(self) -> None:
        for worker in state.workers_to_adopt(hostname=self.config.name):
            if worker.process is None:  # excluded by workers_to_adopt
                continue
            adopted = not self.config.monitor_only and self.supervisor.adopt(
                processor_id=str(worker.processor_id), processor_name=worker.processor.name, pid=worker.process,
                cpus=worker.concurrency, ready=worker.status != Status.STARTING,
            )
            if not adopted:
                state.worker_exited(name=worker.name, pid=worker.process, failed=False)

    def _shutdown(self) -> None:
        """Stop (or kill) every worker, mark the node down and move what it ran elsewhere."""
        logger.info("agent %s: %s", self.config.name, "killing workers" if self.command == "kill" else "stopping")
        if self.monitor is not None:
            self.monitor.stop()  # gives the monitor election up at once
        if self.command == "kill":
            self.supervisor.kill_all()
        else:
            self.supervisor.stop_all(grace=SHUTDOWN_GRACE)
        if self.agent is None:
            return
        close_old_connections()
        affected = processors_on(hostnames=[self.config.name])
        agent_stopped(agent=self.agent)
        event_publish({"kind": "node", "event": "stopped", "node": self.config.name, "status": Status.DOWN,
                       "agent": Status.STOPPED})
        placements_repair()
        for processor_id in affected:
            state.processor_status_refresh(processor_id=processor_id)
        logger.info("agent %s stopped", self.config.name)


def _resubscribe(pubsub):
    """A fresh subscription, or the old one while Redis is away (heartbeats still re-check)."""
    try:
        fresh = control_subscribe()
    except redis.RedisError:
        return pubsub
    pubsub.close()
    return fresh


def agent_run(config: AgentConfig) -> None:
    AgentLoop(config).run()
