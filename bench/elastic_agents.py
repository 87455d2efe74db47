"""Elastic capacity on real agents (issue 12): the scale-up onto a second agent, and the idle
capacity given back, with the default scaler settings.

The world: two agents on this machine (``manage.py agent --name bench-el-a --cpus 1`` and
``bench-el-b``, each its own node), a third one with ``--queues`` running the queue monitor
and its scaler (interval 1 s), and a processor on the example repository (mounted here, so
the agents' workers find the mount warm) with min 1 and max 2: more than one node's single
cpu, so placement must put the second slot on the other node. At min it runs on bench-el-a
(most free cpus, then the name). Its socket runs ``sleep``.

- Scale-up onto another agent: a burst of ``burst`` one-second calls lands; from the first
  message's publish (``call_submit`` returned) to the first call *started* on bench-el-b's
  worker (``Call.started`` written by that worker, ``Call.node``). Also timed: the scale
  decision (``Processor.last_scaled``). Between trials the processor is set back to 1 by
  hand (queue purged), bench-el-b's worker retires and its standby worker warms again.
- Idle capacity released: the round's last trial is left to the scaler. From the last call
  finishing (``Call.finished``) to the scale-down decision, and to bench-el-b's worker
  having retired (no live Worker row of the processor there) with bench-el-a's still
  running at 1.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime

from bench.harness import PYTHON, WORK, Proc, Procs, wait_until

AGENT_A, AGENT_B, MONITOR = "bench-el-a", "bench-el-b", "bench-el-mon"
PROCESSOR = "bench-el-spread"
SLEEP_S = 1.0
RELEASE_TIMEOUT = 240  # the scaler's own pace: two 10 s windows and a 30 s hold, by default
STANDBY = re.compile(r"standby workers warm: (\d+) of")


@dataclass
class AgentsWorld:
    processor: object
    socket: object
    agents: dict[str, Proc]
    disabled: list  # the other bench processors, enabled again at the end


def _example_repo_url() -> str:
    from bench.world import example_repo

    bare = WORK / "repo" / "bare.git"
    return bare.as_uri() if bare.exists() else example_repo()


def _others_disable() -> list:
    """Keep the agents off every bench processor there is (the rows-only worlds): their ids."""
    from apps.network.models import Agent, Deployment, Node
    from apps.processors.models import Processor

    others = list(Processor.objects.filter(enabled=True).values_list("pk", flat=True))
    Processor.objects.filter(pk__in=others).update(enabled=False)
    fakes = list(Agent.objects.exclude(name__in=[AGENT_A, AGENT_B, MONITOR]).values_list("hostname", flat=True))
    Deployment.objects.filter(hostname__in=fakes).delete()
    Node.objects.filter(hostname__in=fakes).delete()
    return others


def agents_world_build(procs: Procs) -> AgentsWorld:
    from apps.engine.mounting import processor_mount
    from apps.network.models import Queue
    from apps.processors.models import Socket, TrustedRepository
    from apps.processors.services import processor_create, processor_request_action

    disabled = _others_disable()
    agents = {name: procs.start(f"agent-{name}", [PYTHON, "manage.py", "agent", "--name", name, "--cpus", "1",
                                                  *(["--queues"] if name == MONITOR else [])], LOG_LEVEL="INFO")
              for name in (AGENT_A, AGENT_B, MONITOR)}
    _healthy_wait(agents)
    # Disabled until mounted here and both nodes are healthy: a new processor asks to run,
    # and an agent's placement repair would place it on whichever node was up first.
    TrustedRepository.objects.get_or_create(name="bench-local", defaults={"pattern": "file://*"})
    processor = processor_create(by=None, fields={
        "name": PROCESSOR, "gitrepo": _example_repo_url(), "module": "elasticcode_examples.sample",
        "branch": "main", "timelimit": 30, "concurrency": 1, "min_concurrency": 1, "max_concurrency": 2,
        "enabled": False})
    processor_mount(processor=processor)
    socket = Socket.objects.create(name="el.spread", processor=processor, task=processor.tasks.get(name="sleep"),
                                   queue=Queue.objects.create(name="bench.el.spread"))
    world = AgentsWorld(processor=processor, socket=socket, agents=agents, disabled=disabled)
    type(processor).objects.filter(pk=processor.pk).update(enabled=True)
    processor.refresh_from_db()
    processor_request_action(processor=processor, by=None, action="start")
    at_min_wait(world, timeout=120)
    return world


def _healthy_wait(agents: dict[str, Proc]) -> None:
    from apps.network.selectors import healthy_nodes

    wait_until(lambda: {AGENT_A, AGENT_B} <= set(healthy_nodes().values_list("hostname", flat=True)),
               timeout=60, what="both agents' nodes healthy", proc=agents[AGENT_A], interval=0.2)


def _live_workers(world: AgentsWorld) -> dict[str, int]:
    """Hostname -> concurrency of the processor's running workers with a live process."""
    from apps.core.models import Status
    from apps.network.models import Worker

    rows = Worker.objects.filter(processor=world.processor).exclude(process=None)
    live = {}
    for hostname, status, concurrency in rows.values_list("hostname", "status", "concurrency"):
        if status == Status.RUNNING or hostname not in live:
            live[hostname] = concurrency if status == Status.RUNNING else 0
    return live


def at_min(world: AgentsWorld) -> bool:
    """Back at min: placed on bench-el-a only, its worker running at 1, none left on bench-el-b."""
    placed = dict(world.processor.deployments.values_list("hostname", "cpus"))
    return placed == {AGENT_A: 1} and _live_workers(world) == {AGENT_A: 1}


def at_min_wait(world: AgentsWorld, *, timeout: float) -> float:
    """Wait until at min and bench-el-b has a standby worker warm; time.time() when at min."""
    reached = wait_until(lambda: time.time() if at_min(world) else None, timeout=timeout,
                         what="the processor at min on bench-el-a", proc=world.agents[AGENT_B], interval=0.1)
    wait_until(lambda: _standby_warm(world.agents[AGENT_B]), timeout=60, what="bench-el-b's standby worker warm",
               proc=world.agents[AGENT_B], interval=0.2)
    return reached


def _standby_warm(agent: Proc) -> bool:
    counts = STANDBY.findall(agent.tail(20_000))
    return bool(counts) and int(counts[-1]) > 0


def _seconds(at: datetime | None, since: float) -> float | None:
    return None if at is None else at.timestamp() - since


def burst_trial(world: AgentsWorld, *, burst: int) -> dict:
    """A burst onto the processor at min; the reaction onto bench-el-b (seconds)."""
    from apps.calls.models import Call
    from apps.engine.dispatch import call_submit
    from apps.processors.models import Processor

    before = Processor.objects.get(pk=world.processor.pk).last_scaled
    calls = [call_submit(socket=world.socket, args=[SLEEP_S], kwargs={})]
    published = time.time()
    calls += [call_submit(socket=world.socket, args=[SLEEP_S], kwargs={}) for _ in range(burst - 1)]
    ids = [call.pk for call in calls]
    first_b = wait_until(
        lambda: Call.objects.filter(pk__in=ids, node__hostname=AGENT_B, started__isnull=False)
        .order_by("started").values_list("started", flat=True).first(),
        timeout=60, what="a burst call started on bench-el-b", proc=world.agents[AGENT_B], interval=0.05)
    scaled = Processor.objects.get(pk=world.processor.pk).last_scaled
    return {"ids": ids, "published": published, "reaction_s": _seconds(first_b, published),
            "decision_s": _seconds(scaled, published) if scaled != before else None}


def reset_to_min(world: AgentsWorld, ids: list) -> None:
    """Set the processor back to 1 by hand (what the scaler would do a minute later)."""
    from apps.calls.models import FINAL_STATES, Call
    from apps.engine.scaling.services import processor_scale
    from bench.elastic_world import purge

    purge(world.socket)
    wait_until(lambda: not Call.objects.filter(pk__in=ids).exclude(state__in=FINAL_STATES).exists(), timeout=60,
               what="the burst's running calls to end", proc=world.agents[AGENT_A], interval=0.1)
    processor_scale(processor=world.processor, to=1, reason="bench: reset")
    at_min_wait(world, timeout=60)
    time.sleep(2.5)  # the scaler's up_settle after a change


def release_trial(world: AgentsWorld, ids: list) -> dict:
    """Leave the drained burst to the scaler; seconds from the last call's end to min."""
    from django.db.models import Max

    from apps.calls.models import FINAL_STATES, Call
    from apps.processors.models import Processor

    wait_until(lambda: not Call.objects.filter(pk__in=ids).exclude(state__in=FINAL_STATES).exists(), timeout=120,
               what="the burst to drain", proc=world.agents[AGENT_A], interval=0.1)
    last = Call.objects.filter(pk__in=ids).aggregate(last=Max("finished"))["last"].timestamp()
    at = at_min_wait(world, timeout=RELEASE_TIMEOUT)
    processor = Processor.objects.get(pk=world.processor.pk)
    if not processor.last_scale_reason.startswith("idle capacity"):
        raise RuntimeError(f"back at min without the scaler's scale-down: {processor.last_scale_reason}")
    return {"decision_s": processor.last_scaled.timestamp() - last, "retired_s": at - last,
            "reason": processor.last_scale_reason}


def agents_round(world: AgentsWorld, *, trials: int, burst: int) -> dict:
    """``trials`` bursts (the last one released by the scaler itself)."""
    ups, release = [], None
    for index in range(trials):
        trial = burst_trial(world, burst=burst)
        ups.append({k: v for k, v in trial.items() if k != "ids"})
        if index < trials - 1:
            reset_to_min(world, trial["ids"])
        else:
            release = release_trial(world, trial["ids"])
            time.sleep(2.5)
    return {"ups": ups, "release": release}


def agents_stop(world: AgentsWorld) -> None:
    """Stop the processor, then all three agents at once (none moves its work to another
    one that is stopping)."""
    import signal

    from apps.processors.models import Processor
    from apps.processors.services import processor_request_action

    processor_request_action(processor=world.processor, by=None, action="stop")
    for proc in world.agents.values():
        if proc.alive():
            proc.popen.send_signal(signal.SIGTERM)
    for proc in world.agents.values():
        proc.stop(timeout=30)
    Processor.objects.filter(pk__in=world.disabled).update(enabled=True)


def agents_rounds(procs: Procs, *, rounds: int, trials: int, burst: int) -> list[dict]:
    world = agents_world_build(procs)
    rows = []
    try:
        for index in range(rounds):
            rows.append(agents_round(world, trials=trials, burst=burst))
            ups, release = rows[-1]["ups"], rows[-1]["release"]
            onto = ", ".join(f"{u['reaction_s']:.2f}" for u in ups)
            decided = ", ".join(f"{u['decision_s']:.2f}" for u in ups if u["decision_s"] is not None)
            print(f"  elastic agents round {index + 1}: onto bench-el-b {onto} s (decision {decided} s); "
                  f"released: decision {release['decision_s']:.1f} s, worker retired {release['retired_s']:.1f} s "
                  f"after the last call", flush=True)
    finally:
        agents_stop(world)
    return rows


def agents_figures(rows: list[dict]) -> list:
    from bench.benchstats import percentile
    from bench.harness import Figure

    def per_round(key: str, q: float) -> list[float | None]:
        values = [[u[key] * 1000 for u in row["ups"] if u[key] is not None] for row in rows]
        return [percentile(v, q) for v in values]

    return [
        Figure("scale-up onto another agent p95", "ms", per_round("reaction_s", 95), target="≤ 5000 ms",
               check=lambda p, _r: p <= 5000,
               note="burst's first publish -> first call started on the second agent's worker"),
        Figure("scale-up onto another agent p50", "ms", per_round("reaction_s", 50)),
        Figure("scale-up decision, two agents p50", "ms", per_round("decision_s", 50),
               note="burst's first publish -> Processor.last_scaled (the --queues agent's scaler)"),
        Figure("idle capacity released", "s", [row["release"]["retired_s"] for row in rows], target="≤ 60 s",
               check=lambda p, _r: p <= 60,
               note="last call finished -> scaled down and the second agent's worker retired, min running"),
        Figure("idle capacity: scale-down decision", "s", [row["release"]["decision_s"] for row in rows],
               note="last call finished -> the scale-down event"),
    ]
