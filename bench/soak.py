"""Soak: the whole platform at a steady rate for a long while (issue 18).

The world: daphne, ``manage.py live_publisher``, ``manage.py queue_monitor`` and an agent
(``manage.py agent``, one node, its standby and the worker it starts for the ``bench``
processor), all real processes on the bench's database and Redis; a dashboard websocket
(``calls:all``, ``queues``, ``nodes``, ``counters``, as the Dashboard subscribes) open in
this process the whole time; a client submitting through the REST API at a steady rate, a
quarter of them ten-hop chains (hop0 .. hop9 by plugs), the rest single no-op calls.

Every ``sample`` seconds the RSS of every process of the platform is read (by pid: the
agent's workers, their pool children, runners and standby included). Growth of a process:
its mean RSS over the last tenth of the run against its mean over the first tenth after the
warm-up (the first fifth of the run, at least a minute), for processes alive through both.
Lost calls: calls the API answered 2xx, or recorded by their chains, that have not finished
a minute after the last submit. Sockets closed by the server: closes the dashboard socket
saw that it did not ask for (it reconnects and goes on). No baseline: the targets are
absolute (growth < 10%, nothing lost, nothing closed).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time
from collections import defaultdict

import httpx
import psutil

from bench.harness import PYTHON, WEB_PORT, Figure, Procs, Result, wait_until
from bench.live import port_open, token_make

AGENT = "bench-soak"
TOPICS = ("calls:all", "queues", "nodes", "counters")


class Dashboard(threading.Thread):
    """One websocket subscribed as the Dashboard is; counts frames, events and server closes."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.frames, self.events, self.closes = url, 0, 0, []
        self.subscribed = threading.Event()
        self.stopping = False

    def run(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        import websockets

        while not self.stopping:
            try:
                async with websockets.connect(self.url, max_size=None, open_timeout=60) as ws:
                    for topic in TOPICS:
                        await ws.send(json.dumps({"type": "subscribe", "topic": topic}))
                    while not self.stopping:
                        try:
                            raw = await asyncio.wait_for(ws.recv(), timeout=1)
                        except TimeoutError:
                            continue
                        self._count(json.loads(raw))
            except websockets.ConnectionClosed as closed:
                if not self.stopping:
                    self.closes.append(f"{closed.rcvd.code if closed.rcvd else '?'} at {time.strftime('%X')}")

    def _count(self, message: dict) -> None:
        if message.get("type") == "subscribed":
            self.subscribed.set()
        elif message.get("type") == "events":
            self.frames += 1
            self.events += len(message.get("events") or [])


class Submitter(threading.Thread):
    """Submits at ``rate`` per second through the API until stopped; every fourth a chain."""

    def __init__(self, *, base: str, token: str, noop: str, chain: str, rate: float) -> None:
        super().__init__(daemon=True)
        self.base, self.headers, self.rate = base, {"Authorization": f"Bearer {token}"}, rate
        self.noop, self.chain = noop, chain
        self.answered: list[str] = []
        self.refused: dict[int, int] = defaultdict(int)
        self.stopping = False

    def run(self) -> None:
        started = time.monotonic()
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=60) as client:
            n = 0
            while not self.stopping:
                delay = started + n / self.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                socket, args = (self.chain, [n]) if n % 4 == 3 else (self.noop, [])
                response = client.post(f"/api/sockets/{socket}/run/", json={"args": args, "kwargs": {}})
                if response.status_code == 202:
                    self.answered.append(response.json()["id"])
                else:
                    self.refused[response.status_code] += 1
                n += 1


def platform_pids(roots: dict[str, psutil.Process]) -> dict[int, str]:
    """pid -> role of every process of the platform now (the agent's descendants by command line)."""
    found = {}
    for role, root in roots.items():
        try:
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for proc in family:
            try:
                found[proc.pid] = role if proc is root else _role(proc)
            except psutil.NoSuchProcess:
                pass
    return found


def _role(proc: psutil.Process) -> str:
    """A worker started from a standby keeps the standby's command line, and its pool children
    their parent's: tell them apart by the tree."""
    argv = proc.cmdline()
    if any(arg.endswith("runner.py") for arg in argv):
        return "runner"
    if "worker" in psutil.Process(proc.ppid()).cmdline():
        return "worker pool child"
    if "--standby" in argv and not proc.children():
        return "standby worker"
    return "worker" if "worker" in argv else " ".join(argv[:3])


def rss_sample(pids: dict[int, str], samples: dict[int, list[tuple[float, float]]], now: float) -> None:
    for pid in pids:
        try:
            samples[pid].append((now, psutil.Process(pid).memory_info().rss / 2**20))
        except psutil.NoSuchProcess:
            pass


def growth(samples: dict[int, list[tuple[float, float]]], roles: dict[int, str], *, start: float, end: float,
           warmup: float) -> list[dict]:
    """Per process alive through the run's measured part: RSS early (first tenth after the
    warm-up) and late (last tenth), MB, and the growth between them."""
    span = end - start - warmup
    early_to, late_from = start + warmup + span / 10, end - span / 10
    rows = []
    for pid, points in samples.items():
        early = [mb for t, mb in points if start + warmup <= t <= early_to]
        late = [mb for t, mb in points if t >= late_from]
        if early and late:
            before, after = statistics.mean(early), statistics.mean(late)
            rows.append({"pid": pid, "role": roles.get(pid, "?"), "early_mb": round(before, 1),
                         "late_mb": round(after, 1), "growth_pct": round((after / before - 1) * 100, 2)})
    return sorted(rows, key=lambda row: -row["growth_pct"])


def world_start(procs: Procs, *, concurrency: int):
    """The bench world's processor run by an agent, with web, publisher and monitor."""
    from apps.core.models import Status
    from apps.processors.models import Processor
    from apps.processors.services import processor_request_action
    from bench.world import world_build

    world = world_build(concurrency=concurrency)
    started = {
        "web": procs.start("soak-web", [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(WEB_PORT),
                                        "flowsite.asgi:application"]),
        "live publisher": procs.start("soak-publisher", [PYTHON, "manage.py", "live_publisher"]),
        "queue monitor": procs.start("soak-monitor", [PYTHON, "manage.py", "queue_monitor"]),
        "agent": procs.start("soak-agent", [PYTHON, "manage.py", "agent", "--name", AGENT, "--cpus",
                                            str(concurrency)]),
    }
    wait_until(lambda: port_open(WEB_PORT), timeout=120, what="daphne", proc=started["web"])
    processor_request_action(processor=world.processor, by=None, action="start")
    wait_until(lambda: Processor.objects.get(pk=world.processor.pk).status == Status.RUNNING, timeout=180,
               what="the bench processor running on the agent", proc=started["agent"], interval=0.5)
    return world, started


def bench_soak(procs: Procs, *, minutes: float, rate: float, concurrency: int, sample: float = 5.0) -> Result:
    from apps.calls.models import Call, CallState

    result = Result(key="soak", title=f"Soak: {minutes:g} min at {rate:g} submits/s",
                    baseline="none (absolute targets)")
    world, started = world_start(procs, concurrency=concurrency)
    token = token_make()
    dashboard = Dashboard(f"ws://127.0.0.1:{WEB_PORT}/ws/?token={token}")
    dashboard.start()
    if not dashboard.subscribed.wait(timeout=60):
        raise RuntimeError("the dashboard socket did not subscribe")
    submitter = Submitter(base=f"http://127.0.0.1:{WEB_PORT}", token=token, noop=str(world.sockets["noop"].pk),
                          chain=str(world.sockets["hop0"].pk), rate=rate)
    roots = {role: psutil.Process(proc.pid) for role, proc in started.items()}
    samples: dict[int, list[tuple[float, float]]] = defaultdict(list)
    roles: dict[int, str] = {}
    start = time.monotonic()
    end = start + minutes * 60
    submitter.start()
    next_report = start + 60
    while (now := time.monotonic()) < end:
        pids = platform_pids(roots)
        roles.update(pids)
        rss_sample(pids, samples, now)
        if now >= next_report:
            next_report += 60
            print(f"  soak {int((now - start) / 60)} min: {len(submitter.answered)} answered, "
                  f"{sum(mb for pid in pids for _, mb in samples[pid][-1:]):.0f} MB in {len(pids)} processes, "
                  f"dashboard {dashboard.events} events, {len(dashboard.closes)} closes", flush=True)
        for role, proc in started.items():
            if not proc.alive():
                raise RuntimeError(f"the {role} exited during the soak:\n{proc.tail()}")
        time.sleep(max(0.0, min(sample, end - time.monotonic())))
    submitter.stopping = True
    submitter.join(timeout=60)
    ids = list(submitter.answered)
    runs = Call.objects.filter(pk__in=ids).values_list("tracking", flat=True)

    def unfinished() -> int:
        return Call.objects.filter(tracking__in=runs).exclude(state=CallState.FINISHED).count()

    try:
        wait_until(lambda: unfinished() == 0, timeout=60, what="the soak's calls to finish", interval=1)
    except RuntimeError:
        pass
    recorded = {str(pk) for pk in Call.objects.filter(pk__in=ids).values_list("pk", flat=True)}
    lost = unfinished() + len(set(ids) - recorded)
    dashboard.stopping = True
    warmup = max(60.0, (end - start) / 5)
    rows = growth(samples, roles, start=start, end=end, warmup=warmup)
    worst = rows[0] if rows else {"growth_pct": None, "role": "?"}
    total_calls = Call.objects.filter(tracking__in=runs).count()
    result.figures += [
        Figure("RSS growth after warm-up, worst process", "%", [worst["growth_pct"]], target="< 10%",
               check=lambda p, _r: p < 10, note=f"worst: {worst['role']}"),
        Figure("calls lost", "calls", [lost], target="0", check=lambda p, _r: p == 0,
               note=f"of {total_calls:,} calls in {len(ids):,} accepted submits"),
        Figure("dashboard sockets closed by the server", "", [len(dashboard.closes)], target="0",
               check=lambda p, _r: p == 0),
        Figure("dashboard events received", "events", [dashboard.events]),
        Figure("platform RSS at the end, all processes", "MB",
               [round(sum(row["late_mb"] for row in rows), 1)]),
    ]
    result.details = {"minutes": minutes, "rate": rate, "warmup_s": warmup, "processes": rows,
                      "refused": dict(submitter.refused), "closes": dashboard.closes,
                      "frames": dashboard.frames}
    result.notes.append(f"{minutes:g} min at {rate:g} submits/s (a quarter of them 10-hop chains); warm-up "
                        f"{warmup:.0f} s; RSS sampled every {sample:g} s in {len(roles)} processes")
    for proc in started.values():
        proc.stop()
    return result
