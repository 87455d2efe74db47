"""The bench's own world: its database, Redis db, queues and processes, plus the helpers
every benchmark uses (process trees' CPU and memory, queue drains, result records).

Nothing here touches what tests or a running platform use: the database is
``elasticcode_bench`` (dropped and created by ``database_create``), Redis is db 11, queues
start with ``bench.``, mounts and logs live under ``/tmp/ecbench``. Two runs side by side
take their own: BENCH_DATABASE, BENCH_REDIS_DB and ECBENCH_DIR (see the README).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.benchstats import ratios, summary

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORK = Path(os.environ.get("ECBENCH_DIR", "/tmp/ecbench"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DATABASE", "elasticcode_bench")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "11"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", f"redis://127.0.0.1:6379/{REDIS_DB}")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", REDIS_URL)
RAW_QUEUE = "bench.raw"
PORT_OFFSET = int(os.environ.get("BENCH_PORT_OFFSET", "0"))  # added to every fixed port the bench listens on
WEB_PORT = 8765 + PORT_OFFSET
RAW_WEB_PORT = 8766 + PORT_OFFSET


def bench_env() -> dict[str, str]:
    """The environment of every platform process the bench starts (and of itself)."""
    return {
        "DATABASE_URL": f"{PG}/{DB_NAME}", "REDIS_URL": REDIS_URL, "BROKER_URL": BROKER_URL,
        "RESULT_BACKEND": REDIS_URL, "MOUNT_ROOT": str(WORK / "mounts"), "ALLOW_FILE_REPOSITORIES": "1",
        "ELASTICCODE_STATE_DIR": str(WORK / "state"), "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "flowsite.settings",
        "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
        "PYTHONUNBUFFERED": "1",
    }


def environ_apply() -> None:
    """Point this process at the bench world (before Django is set up)."""
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.update(bench_env())


def database_create() -> None:
    """Drop and create the bench database (DB_NAME), then migrate it."""
    import psycopg2

    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env={**os.environ, **bench_env()},
                   check=True)


def database_drop() -> None:
    import psycopg2
    from django.db import connections

    connections.close_all()
    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    conn.close()


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL)


def redis_reset() -> None:
    """Empty the bench's own Redis db (never another one)."""
    redis_client().flushdb()


# --- processes -----------------------------------------------------------------------

@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM the process group this Proc started (and only it), then SIGKILL."""
        if not self.alive():
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)
        except ProcessLookupError:
            pass


@dataclass
class Procs:
    """Every process this run started; all stopped at the end, whatever happens."""

    started: list[Proc] = field(default_factory=list)

    def start(self, name: str, argv: list[str], **env: str) -> Proc:
        log = WORK / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        popen = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **bench_env(), **env},
                                 stdout=open(log, "wb"),  # the child keeps it open
                                 stderr=subprocess.STDOUT, start_new_session=True)
        proc = Proc(name=name, popen=popen, log=log)
        self.started.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in reversed(self.started):
            proc.stop()
        self.started.clear()


def wait_until(predicate, *, timeout: float, what: str, proc: Proc | None = None, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc is not None and not proc.alive():
            raise RuntimeError(f"{proc.name} exited while waiting for {what}:\n{proc.tail()}")
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}" + (f"\n{proc.tail()}" if proc else ""))


def tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its live descendants."""
    total = 0.0
    for proc in tree(pid):
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def machine_cpu_seconds() -> float:
    """Busy CPU seconds of the whole machine (all cores): PostgreSQL, Redis and the bench too."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + times.irq + times.softirq + getattr(times, "steal", 0.0)


def memory_mb(pid: int) -> dict[str, float]:
    """RSS (pages counted once per process) and PSS (shared pages split) of a tree, in MB."""
    rss = pss = 0.0
    for proc in tree(pid):
        try:
            info = proc.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return {"rss_mb": rss / 2**20, "pss_mb": pss / 2**20, "processes": len(tree(pid))}


# --- broker queues -------------------------------------------------------------------

def queue_depth(client, name: str) -> int:
    """Messages waiting in a kombu Redis queue (every priority list) plus unacked ones."""
    keys = [name] + [f"{name}\x06\x16{p}" for p in (1, 2, 3, 4, 5, 6, 7, 8, 9)]
    pipe = client.pipeline()
    for key in keys:
        pipe.llen(key)
    pipe.hlen("unacked")
    return sum(pipe.execute())


def drain_wait(client, queue: str, *, timeout: float, interval: float = 0.005) -> float:
    """Block until ``queue`` is empty with nothing unacked; returns time.perf_counter() then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if queue_depth(client, queue) == 0:
            return time.perf_counter()
        time.sleep(interval)
    raise RuntimeError(f"queue {queue} did not drain within {timeout} s (depth {queue_depth(client, queue)})")


# --- results -------------------------------------------------------------------------

@dataclass
class Figure:
    """One line of the table: a figure of the platform, its baseline, their per-round ratio."""

    name: str
    unit: str
    platform: list[float | None]
    baseline: list[float | None] | None = None
    target: str = ""
    check: Any = None  # callable(platform median, ratio median) -> bool, or None
    higher_is_better: bool = False
    note: str = ""

    def record(self) -> dict[str, Any]:
        plat = summary(self.platform)
        base = summary(self.baseline) if self.baseline else None
        ratio = summary(ratios(self.platform, self.baseline)) if self.baseline else None
        met = None
        if self.check is not None and plat is not None:
            try:
                met = bool(self.check(plat["median"], ratio["median"] if ratio else None))
            except (TypeError, KeyError):
                met = None
        return {"figure": self.name, "unit": self.unit, "platform": plat, "baseline": base, "ratio": ratio,
                "platform_rounds": self.platform, "baseline_rounds": self.baseline, "target": self.target,
                "met": met, "higher_is_better": self.higher_is_better, "note": self.note}


@dataclass
class Result:
    key: str
    title: str
    baseline: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None
    seconds: float = 0.0

    def record(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "baseline": self.baseline, "skipped": self.skipped,
                "figures": [f.record() for f in self.figures], "notes": self.notes, "details": self.details,
                "seconds": round(self.seconds, 1)}
