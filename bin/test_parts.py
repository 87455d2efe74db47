"""Run the Python suite in two parts at once, each on services of its own.

Most of a test's time is spent waiting on real workers, brokers and browsers rather than on
the CPU, so two pytest processes side by side finish the suite in well under the time of one.
Part "engine" holds the engine's own tests (tests/engine, tests/client: brokers, workers and
agents on both brokers); part "rest" everything else (the CLI, the live stack and the
browser tests), which took about as long in the run that set this split (2026-12-04: 674 s
against 463 s with the CLI in the engine part). They share the PostgreSQL, Redis and RabbitMQ
servers but no database: each part has its own test database, Redis databases (the
platform's, the cache's, the Redis broker's, the live tests') and state directory; RabbitMQ
queue names are unique per test. Each line a part prints is prefixed with its name.

The root conftest orders the transactional tests (serialized rollback first), which is what
made an earlier split fail: the order within a part is the order the whole suite has."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ["tests/engine", "tests/client"]
PARTS = {
    "engine": (ENGINE, {"redis": 0, "cache": 2, "broker": 7, "live": 12}),
    "rest": (["tests", *(f"--ignore={path}" for path in ENGINE)], {"redis": 1, "cache": 3, "broker": 8, "live": 13}),
}


def with_path(url: str, path: str) -> str:
    return urlunparse(urlparse(url)._replace(path=path))


def part_env(name: str, dbs: dict[str, int]) -> dict[str, str]:
    env = dict(os.environ)
    redis_url = env["REDIS_URL"]
    database = urlparse(env["DATABASE_URL"]).path.lstrip("/") or "elasticcode"
    env.update({
        "DATABASE_URL": with_path(env["DATABASE_URL"], f"/{database}_{name}"),
        "REDIS_URL": with_path(redis_url, f"/{dbs['redis']}"),
        "CACHE_URL": with_path(redis_url, f"/{dbs['cache']}"),
        "TEST_REDIS_BROKER_URL": with_path(redis_url, f"/{dbs['broker']}"),
        "LIVE_TEST_REDIS_URL": with_path(redis_url, f"/{dbs['live']}"),
        "ELASTICCODE_STATE_DIR": str(Path(env["ELASTICCODE_STATE_DIR"]) / name),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def relay(name: str, stream: IO[bytes], lock: threading.Lock) -> None:
    """Copy a part's output line by line, prefixed, so both parts show progress as they go."""
    for line in iter(stream.readline, b""):
        with lock:
            sys.stdout.write(f"[{name}] {line.decode(errors='replace')}")
            sys.stdout.flush()


def main(extra: list[str]) -> int:
    started = time.monotonic()
    lock = threading.Lock()
    running: dict[str, tuple[subprocess.Popen[bytes], threading.Thread]] = {}
    for name, (args, dbs) in PARTS.items():
        print(f"==> Python tests, part {name}: pytest {' '.join(args)}", flush=True)
        process = subprocess.Popen([str(ROOT / ".venv/bin/pytest"), *args, *extra], cwd=ROOT,
                                   env=part_env(name, dbs), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert process.stdout is not None
        thread = threading.Thread(target=relay, args=(name, process.stdout, lock), daemon=True)
        thread.start()
        running[name] = (process, thread)
    codes = {}
    for name, (process, thread) in running.items():
        codes[name] = process.wait()
        thread.join()
        print(f"==> Part {name} ended ({codes[name]}) after {time.monotonic() - started:.0f} s", flush=True)
    verdicts = ", ".join(f"{name} {'passed' if code == 0 else 'FAILED'}" for name, code in codes.items())
    print(f"==> Python tests: {verdicts} in {time.monotonic() - started:.0f} s", flush=True)
    return 0 if all(code == 0 for code in codes.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
