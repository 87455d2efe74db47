"""7. Mount: cold (clone, virtualenv, install, introspect) and warm (all of it ready) mounts
of the example repository through ``processor_mount``, against the same steps done bare:
``git clone`` + ``git checkout``, ``uv venv`` + ``uv pip install`` for cold; for warm, the
one thing a warm mount cannot skip, starting the venv's python to import the module.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import WORK, Figure, Result
from bench.world import EXAMPLE_MODULE, example_repo


def _uv() -> str:
    found = Path(sys.executable).with_name("uv")
    return str(found) if found.exists() else (shutil.which("uv") or "uv")


def bare_cold(url: str, root: Path) -> float:
    started = time.perf_counter()
    src = root / "src"
    subprocess.run(["git", "clone", "-q", "--no-checkout", url, str(src)], check=True)
    subprocess.run(["git", "-C", str(src), "checkout", "-q", "--detach", "main"], check=True)
    subprocess.run([_uv(), "venv", "-q", "--python", sys.executable, str(root / "venv")], check=True)
    subprocess.run([_uv(), "pip", "install", "-q", "--python", str(root / "venv" / "bin" / "python"), str(src)],
                   check=True)
    return (time.perf_counter() - started) * 1000


def bare_warm(root: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(root / "venv" / "bin" / "python"), "-c", f"import {EXAMPLE_MODULE}"], check=True,
                   cwd=root / "src", env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root / "src")})
    return (time.perf_counter() - started) * 1000


def bench_mount(*, rounds: int) -> Result:
    from django.test import override_settings

    from apps.engine.mounting import processor_mount
    from apps.processors.models import Processor, TrustedRepository
    from apps.processors.services import processor_create

    result = Result(key="mount", title="Mount of the example repository",
                    baseline="the same steps bare: git clone + checkout, uv venv + uv pip install; "
                             "warm: the venv's python importing the module")
    url = example_repo() if not (WORK / "repo" / "bare.git").exists() else (WORK / "repo" / "bare.git").as_uri()
    TrustedRepository.objects.get_or_create(name="bench-local", defaults={"pattern": "file://*"})
    processor = Processor.objects.filter(name="bench-mount").first() or processor_create(by=None, fields={
        "name": "bench-mount", "gitrepo": url, "module": EXAMPLE_MODULE, "branch": "main"})
    cold, warm, bare_c, bare_w = [], [], [], []
    for index in range(rounds):
        root = Path(tempfile.mkdtemp(prefix="mount-", dir=WORK))
        try:
            order = ["platform", "bare"] if index % 2 == 0 else ["bare", "platform"]
            for which in order:
                if which == "platform":
                    with override_settings(MOUNT_ROOT=root / "platform"):
                        started = time.perf_counter()
                        processor_mount(processor=processor)
                        cold.append((time.perf_counter() - started) * 1000)
                        samples = []
                        for _ in range(5):
                            started = time.perf_counter()
                            processor_mount(processor=processor)
                            samples.append((time.perf_counter() - started) * 1000)
                        warm.append(sorted(samples)[2])
                else:
                    (root / "bare").mkdir()
                    bare_c.append(bare_cold(url, root / "bare"))
                    bare_w.append(sorted(bare_warm(root / "bare") for _ in range(5))[2])
        finally:
            shutil.rmtree(root, ignore_errors=True)
        print(f"  mount round {index + 1}: cold {cold[-1]:.0f} vs {bare_c[-1]:.0f} ms, "
              f"warm {warm[-1]:.0f} vs {bare_w[-1]:.0f} ms", flush=True)
    result.figures = [
        Figure("cold mount", "ms", cold, bare_c),
        Figure("warm mount (median of 5)", "ms", warm, bare_w, target="< 200 ms", check=lambda p, _r: p < 200),
    ]
    return result
