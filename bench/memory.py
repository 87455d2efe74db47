"""8. Memory: an idle platform worker (all its processes: the main process, prefork
children and their runner subprocesses) against the raw Celery worker with the same
concurrency; the web process (daphne serving flowsite.asgi, after serving the API and the
shell) against daphne serving a bare ASGI app. PSS splits pages shared between the
prefork children fairly; RSS counts them once per process.
"""

from __future__ import annotations

import time
import urllib.request

from bench.harness import (
    PYTHON,
    RAW_WEB_PORT,
    WEB_PORT,
    Figure,
    Procs,
    Result,
    memory_mb,
    wait_until,
)
from bench.live import port_open, token_make
from bench.world import World


def _get(url: str, token: str | None = None) -> None:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        urllib.request.urlopen(request, timeout=30).read()
    except urllib.error.HTTPError:
        pass  # a redirect to the login page still loads the shell's code


def web_sample(procs: Procs, *, app: str, name: str, port: int, paths: list[str], token: str | None) -> dict:
    wait_until(lambda: not port_open(port), timeout=30, what=f"port {port} to be free")
    proc = procs.start(name, [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app])
    try:
        wait_until(lambda: port_open(port), timeout=60, what=name, proc=proc)
        for _ in range(3):
            for path in paths:
                _get(f"http://127.0.0.1:{port}{path}", token)
        time.sleep(1.0)
        if not proc.alive():
            raise RuntimeError(f"{name} exited:\n{proc.tail()}")
        return memory_mb(proc.pid)
    finally:
        proc.stop()


def bench_memory(world: World | None, procs: Procs, *, rounds: int) -> Result:
    result = Result(key="memory", title="Memory (idle)",
                    baseline="a bare Celery worker (same concurrency) and daphne serving a bare ASGI app")
    figures = []
    if world is not None and world.platform is not None:
        time.sleep(2.0)
        worker, raw = [], []
        for _ in range(rounds):
            worker.append(memory_mb(world.platform.pid))
            raw.append(memory_mb(world.raw.pid))
            time.sleep(0.5)
        figures += [
            Figure("worker PSS, all processes", "MB", [m["pss_mb"] for m in worker], [m["pss_mb"] for m in raw],
                   target="≤ 1.5x bare Celery", check=lambda _p, ratio: ratio <= 1.5,
                   note=f"{worker[0]['processes']} vs {raw[0]['processes']} processes"),
            Figure("worker RSS, all processes", "MB", [m["rss_mb"] for m in worker], [m["rss_mb"] for m in raw]),
        ]
        result.details["worker"] = {"platform": worker, "raw": raw}
    token = token_make()
    web, bare = [], []
    for index in range(rounds):
        order = ["platform", "bare"] if index % 2 == 0 else ["bare", "platform"]
        for which in order:
            if which == "platform":
                web.append(web_sample(procs, app="flowsite.asgi:application", name="daphne-memory", port=WEB_PORT,
                                      paths=["/api/calls/?rows=50", "/api/processors/", "/login/"], token=token))
            else:
                bare.append(web_sample(procs, app="bench.rawasgi:application", name="daphne-bare", port=RAW_WEB_PORT,
                                       paths=["/"],
                                       token=None))
    figures += [
        Figure("web process RSS", "MB", [m["rss_mb"] for m in web], [m["rss_mb"] for m in bare],
               target="≤ 1.5x bare daphne", check=lambda _p, ratio: ratio <= 1.5),
    ]
    result.details["web"] = {"platform": web, "bare": bare}
    result.figures = figures
    return result
