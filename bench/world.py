"""What the worker benchmarks run on: the example repository as a git repo, a processor
mounted from it with the sockets and plugs of each benchmark, a platform worker and the
raw Celery worker, both with the same concurrency on the same broker.

Sockets (queue ``bench.q`` -> broker queue ``bench.q.bench``):
    hop0 .. hop9   echo, chained hop_i -> hop_{i+1} by RESULT plugs (hop overhead)
    noop           noop (throughput)
    j.one, j.two   echo, each feeding one argument of j.add (add_two): the join
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass

from bench.harness import PYTHON, RAW_QUEUE, WORK, Proc, Procs, wait_until

HOPS = 10
PROCESSOR = "bench"
HOSTNAME = "bench-host"
PLATFORM_QUEUE = "bench.q.bench"
EXAMPLE_MODULE = "elasticcode_examples.sample"


@dataclass
class World:
    processor: object
    sockets: dict[str, object]
    platform: Proc | None = None
    raw: Proc | None = None
    concurrency: int = 2
    platform_node: str = ""


def example_repo() -> str:
    """examples/processors committed into a fresh git repository; its file:// URL."""
    import git

    from bench.harness import ROOT

    root = WORK / "repo"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(ROOT / "examples" / "processors", root / "work",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    repo = git.Repo.init(root / "work", initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Bench")
        config.set_value("user", "email", "bench@example.invalid")
        config.set_value("commit", "gpgsign", "false")
    repo.git.add("-A")
    repo.git.commit("-m", "examples")
    git.Repo.clone_from(str(root / "work"), str(root / "bare.git"), bare=True).close()
    return (root / "bare.git").as_uri()


def world_build(*, concurrency: int) -> World:
    from apps.engine.mounting import processor_mount
    from apps.network.models import Queue
    from apps.processors.models import Argument, Plug, Socket, TrustedRepository
    from apps.processors.services import processor_create

    shutil.rmtree(WORK / "mounts", ignore_errors=True)
    url = example_repo()
    TrustedRepository.objects.get_or_create(name="bench-local", defaults={"pattern": "file://*"})
    processor = processor_create(by=None, fields={
        "name": PROCESSOR, "gitrepo": url, "module": EXAMPLE_MODULE, "branch": "main", "timelimit": 30,
        "concurrency": concurrency,
    })
    processor_mount(processor=processor)
    queue = Queue.objects.create(name="bench.q")
    tasks = {task.name: task for task in processor.tasks.all()}

    def socket(name: str, task: str) -> Socket:
        return Socket.objects.create(name=name, processor=processor, task=tasks[task], queue=queue)

    sockets = {f"hop{i}": socket(f"hop{i}", "echo") for i in range(HOPS)}
    for i in range(HOPS - 1):
        Plug.objects.create(name=f"hop{i}->hop{i + 1}", processor=processor, source=sockets[f"hop{i}"],
                            target=sockets[f"hop{i + 1}"], queue=queue)
    sockets["noop"] = socket("noop", "noop")
    sockets["j.one"] = socket("j.one", "echo")
    sockets["j.two"] = socket("j.two", "echo")
    sockets["j.add"] = socket("j.add", "add_two")
    for source, argument in (("j.one", "one"), ("j.two", "two")):
        Plug.objects.create(name=f"{source}->j.add", processor=processor, source=sockets[source],
                            target=sockets["j.add"], queue=queue,
                            argument=Argument.objects.get(task=tasks["add_two"], name=argument))
    return World(processor=processor, sockets=sockets, concurrency=concurrency)


def platform_worker_start(world: World, procs: Procs, **env: str) -> Proc:
    from apps.network.models import Worker

    Worker.objects.all().delete()
    proc = procs.start("platform-worker", [PYTHON, "manage.py", "worker", "--processor", PROCESSOR,
                                           "-c", str(world.concurrency), "--hostname", HOSTNAME,
                                           "-l", "WARNING"], **env)
    wait_until(lambda: Worker.objects.filter(status="running").exists(), timeout=120,
               what="the platform worker", proc=proc, interval=0.2)
    world.platform = proc
    world.platform_node = wait_until(lambda: _node_name(f"@{HOSTNAME}"), timeout=30,
                                     what="the platform worker's control node", proc=proc, interval=0.2)
    return proc


def _node_name(suffix: str) -> str | None:
    """The Celery node name of the worker whose name ends with ``suffix`` (Celery may add a pid)."""
    from flowsite.celery import app

    for reply in app.control.ping(timeout=1.0):
        for name in reply:
            if name.endswith(suffix) and not name.startswith("raw@"):
                return name
    return None


def raw_worker_start(world: World, procs: Procs) -> Proc:
    from bench.rawcelery import app

    proc = procs.start("raw-worker", [PYTHON, "-m", "celery", "-A", "bench.rawcelery", "worker", "-Q", RAW_QUEUE,
                                      "-c", str(world.concurrency), "-n", "raw@bench", "-P", "prefork",
                                      "-l", "WARNING", "--without-gossip", "--without-mingle", "-O", "fair"])
    wait_until(lambda: app.control.ping(destination=["raw@bench"], timeout=0.5), timeout=60,
               what="the raw Celery worker", proc=proc, interval=0.2)
    world.raw = proc
    return proc


def workers_warm(world: World) -> None:
    """One call on every worker process (starts each prefork child's runner), and raw tasks."""
    from apps.calls.models import Call
    from apps.engine.dispatch import call_submit
    from bench.rawcelery import step

    calls = [call_submit(socket=world.sockets["noop"], args=[], kwargs={}) for _ in range(4 * world.concurrency)]
    wait_until(lambda: Call.objects.filter(pk__in=[c.pk for c in calls], state="finished").count() == len(calls),
               timeout=60, what="warm-up calls", proc=world.platform)
    for _ in range(4 * world.concurrency):
        step.delay()
    time.sleep(0.5)


def consumer_pause(app, *, worker: str, queue: str) -> None:
    replies = app.control.cancel_consumer(queue, destination=[worker], reply=True, timeout=5)
    if not replies:
        raise RuntimeError(f"{worker} did not answer cancel_consumer({queue})")


def consumer_resume(app, *, worker: str, queue: str) -> None:
    replies = app.control.add_consumer(queue, exchange=queue, exchange_type="direct", routing_key=queue,
                                       destination=[worker], reply=True, timeout=5)
    if not replies:
        raise RuntimeError(f"{worker} did not answer add_consumer({queue})")


class StreamWatch:
    """Waits for a call event on the platform's event stream (what browsers are fed from):
    the moment a run's last call is recorded and published is when it is done."""

    def __init__(self, client) -> None:
        from apps.engine.events import STREAM_KEY

        self.client = client
        self.key = STREAM_KEY
        self.last = "$"

    def mark(self) -> None:
        """Only events added from now on count."""
        entries = self.client.xrevrange(self.key, count=1)
        self.last = entries[0][0].decode() if entries else "0-0"

    def wait(self, *, run: str, socket: str, event: str = "postrun", timeout: float = 60) -> dict:
        import json

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.client.xread({self.key: self.last}, block=1000, count=500)
            for _key, entries in reply or []:
                for sid, fields in entries:
                    self.last = sid.decode()
                    payload = json.loads(fields[b"e"])
                    if payload.get("run") == run and payload.get("socket") == socket:
                        if payload.get("event") == event:
                            return payload
                        if payload.get("event") == "failure":
                            raise RuntimeError(f"{socket} failed in run {run}: {payload.get('error')}")
        raise RuntimeError(f"no {event} of {socket} in run {run} within {timeout} s")
