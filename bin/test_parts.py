"""Run the Python suite in two parts at once, each on services of its own; print both.

Part "engine" holds the tests that run real brokers and agents (tests/engine, tests/cli,
tests/client); part "rest" everything else. They share PostgreSQL, Redis and RabbitMQ
servers but not databases: each part gets its own test database, Redis databases (the
platform's, the Redis broker's, the live tests') and state directory. RabbitMQ is used by
the engine part only (its queue names are unique per test)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ["tests/engine", "tests/cli", "tests/client"]
PARTS = {
    "engine": (ENGINE, {"redis": 0, "broker": 7, "live": 12}),
    "rest": (["tests", *(f"--ignore={path}" for path in ENGINE)], {"redis": 1, "broker": 8, "live": 13}),
}


def with_path(url: str, path: str) -> str:
    return urlunparse(urlparse(url)._replace(path=path))


def part_env(name: str, dbs: dict[str, int]) -> dict[str, str]:
    env = dict(os.environ)
    redis_url = env["REDIS_URL"]
    database = urlparse(env["DATABASE_URL"]).path.lstrip("/") or "elasticcode"
    state = Path(env["ELASTICCODE_STATE_DIR"]) / name
    env.update({
        "DATABASE_URL": with_path(env["DATABASE_URL"], f"/{database}_{name}"),
        "REDIS_URL": with_path(redis_url, f"/{dbs['redis']}"),
        "TEST_REDIS_BROKER_URL": with_path(redis_url, f"/{dbs['broker']}"),
        "LIVE_TEST_REDIS_URL": with_path(redis_url, f"/{dbs['live']}"),
        "ELASTICCODE_STATE_DIR": str(state),
    })
    return env


def main() -> int:
    logs = Path(os.environ["ELASTICCODE_STATE_DIR"]) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    running = {}
    for name, (args, dbs) in PARTS.items():
        log = logs / f"pytest-{name}.log"
        print(f"==> Python tests, part {name} ({' '.join(args)}), log {log}", flush=True)
        running[name] = (subprocess.Popen([str(ROOT / ".venv/bin/pytest"), *args], cwd=ROOT, env=part_env(name, dbs),
                                          stdout=log.open("wb"), stderr=subprocess.STDOUT), log)
    codes = {}
    for name, (proc, log) in running.items():
        codes[name] = proc.wait()
        print(f"\n==> Part {name} ended ({codes[name]}) after {time.monotonic() - started:.0f} s\n", flush=True)
        sys.stdout.write(log.read_text(errors="replace"))
    verdicts = ", ".join(f"{name} {'passed' if code == 0 else 'FAILED'}" for name, code in codes.items())
    print(f"\n==> Python tests: {verdicts} in {time.monotonic() - started:.0f} s")
    return 0 if all(code == 0 for code in codes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
