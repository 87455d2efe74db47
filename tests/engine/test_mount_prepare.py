"""mount_prepare: cold build, process-free warm path, sharing, locking, failures."""

from __future__ import annotations

import fcntl
import threading
import time
from pathlib import Path

import pytest

from apps.engine.mounts import MountError, mount_prepare, repo_checkout
from apps.engine.mounts import mount as mount_module
from apps.engine.mounts.mount import requirements_hash


def prepare(repo, cache: Path, *, ref="main", requirements=None, log=None, ref_ttl=None):
    return mount_prepare(
        url=repo.url, ref=ref, requirements=requirements, cache_root=cache,
        log=log if log is not None else (lambda line: None),
        **({"ref_ttl": ref_ttl} if ref_ttl is not None else {}),
    )


def test_cold_mount_has_checkout_and_venv(example_mount, example_repo, mount_cache):
    assert example_mount.commit == example_repo.commits["main"]
    assert example_mount.path.name == "src"
    assert (example_mount.path / "elasticcode_examples" / "sample.py").is_file()
    assert example_mount.python.is_file()
    venv = example_mount.python.parent.parent
    assert venv.parent == example_mount.path.parent
    assert venv.name == f"venv-{requirements_hash(None)}"
    assert (venv / ".ready").is_file()
    repository = example_mount.path.parent.parent.name
    assert example_mount.key == f"{repository}/{example_mount.commit}/{requirements_hash(None)}"
    installed = list(venv.glob("lib/python*/site-packages/elasticcode_examples-*.dist-info"))
    assert installed, "the repository's pyproject.toml package was installed into the venv"


def test_warm_mount_starts_no_process(example_mount, example_repo, mount_cache, no_subprocess, timings):
    lines: list[str] = []
    started = time.perf_counter()
    # The session's mount may be older than the 60 s a branch resolution is trusted on a slow
    # hour: this test is about the warm path, not the TTL.
    again = prepare(example_repo, mount_cache, log=lines.append, ref_ttl=24 * 3600)
    timings["warm mount (ref 'main')"] = time.perf_counter() - started
    pinned = prepare(example_repo, mount_cache, ref=example_mount.commit)
    assert again == example_mount == pinned
    assert lines == []


@pytest.mark.parametrize("requirements", [None, "", "\n", "  \n\n"])
def test_same_repo_commit_and_requirements_share_a_mount(example_mount, example_repo, mount_cache, no_subprocess,
                                                         requirements):
    assert prepare(example_repo, mount_cache, requirements=requirements) == example_mount


def test_requirements_hash_normalises_only_whitespace():
    assert requirements_hash("requests\nhttpx") == requirements_hash("  requests \n\n httpx\n")
    assert requirements_hash("requests") != requirements_hash("httpx")
    assert requirements_hash(None) == requirements_hash("")


def test_repo_without_packaging_gets_a_bare_venv(repo_factory, tmp_path):
    repo = repo_factory({"tool.py": "def f():\n    return 1\n"})
    lines: list[str] = []
    mount = prepare(repo, tmp_path / "cache", log=lines.append)
    assert mount.python.is_file()
    assert any("nothing to install" in line for line in lines)


def test_unfinished_venv_is_rebuilt(repo_factory, tmp_path):
    repo = repo_factory({"tool.py": "X = 1\n"})
    cache = tmp_path / "cache"
    mount = prepare(repo, cache)
    venv = mount.python.parent.parent
    (venv / ".ready").unlink()
    (venv / "bin" / "python").unlink()
    lines: list[str] = []
    again = prepare(repo, cache, log=lines.append)
    assert again == mount and again.python.exists() and (venv / ".ready").is_file()
    assert any("unfinished" in line for line in lines)


def test_failed_install_is_an_install_error_with_output(repo_factory, tmp_path, monkeypatch):
    monkeypatch.setenv("UV_OFFLINE", "1")  # the platform's installer settings reach the installer
    repo = repo_factory({"tool.py": "X = 1\n"})
    lines: list[str] = []
    with pytest.raises(MountError) as info:
        prepare(repo, tmp_path / "cache", requirements="elasticcode-no-such-package==0.0.1\n", log=lines.append)
    assert info.value.stage == "install"
    assert "installing the requirements failed" in info.value.message
    assert "elasticcode-no-such-package" in info.value.message  # the installer's own words
    venv_dirs = [p for p in (tmp_path / "cache").rglob("venv-*") if p.is_dir()]
    assert venv_dirs == [], "a failed build leaves no half-built venv behind"


def test_concurrent_mounts_build_once(repo_factory, tmp_path, monkeypatch):
    """Two threads mount the same key; the second must wait on the lock, then reuse."""
    repo = repo_factory({"tool.py": "X = 1\n"})
    cache = tmp_path / "cache"
    repo_checkout(url=repo.url, ref="main", cache_dir=cache, log=lambda line: None)
    attempts: set[int] = set()
    changed = threading.Condition()
    real_flock, real_build = fcntl.flock, mount_module.venv_build
    builds: list[int] = []

    def flock(fd, operation):
        if operation & fcntl.LOCK_EX:
            with changed:
                attempts.add(threading.get_ident())
                changed.notify_all()
        return real_flock(fd, operation)

    def build(**kwargs):
        builds.append(threading.get_ident())
        with changed:  # hold the lock until the other thread has tried to take it
            other_waiting = changed.wait_for(lambda: len(attempts) >= 2, timeout=30)
        assert other_waiting, "the second mount never tried to take the lock"
        return real_build(**kwargs)

    monkeypatch.setattr(fcntl, "flock", flock)
    monkeypatch.setattr(mount_module, "venv_build", build)
    results, errors = [], []

    def worker():
        try:
            results.append(prepare(repo, cache))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(builds) == 1
    assert len(results) == 2 and results[0] == results[1]


def test_pip_fallback_without_uv(repo_factory, tmp_path, monkeypatch):
    from apps.engine.mounts import venv as venv_module

    monkeypatch.setattr(venv_module, "uv_find", lambda: None)
    repo = repo_factory({"tool.py": "X = 1\n"})
    lines: list[str] = []
    mount = prepare(repo, tmp_path / "cache", log=lines.append)
    assert (mount.python.parent / "pip").exists(), "built by python -m venv (with pip), not uv"
    assert not any("uv" in line.split() for line in lines)
