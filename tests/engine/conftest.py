"""Fixtures for the engine tests: local git repositories and one shared example mount.

No Django, no database, no network except what ``uv`` needs to fetch build
requirements (served from its cache after the first run).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from apps.engine.mounts import Mount, mount_prepare
from tests.fixtures.git import EXAMPLES, GitRepo, repo_create

TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """examples/processors as a repo: tag ``v1`` (annotated) on the first commit, ``main`` one later."""
    repo = repo_create(root=tmp_path_factory.mktemp("example-repo"), source=EXAMPLES)
    repo.work.git.tag("-a", "v1", "-m", "version 1")
    repo.work.git.branch("feature")
    repo.commits["v1"] = repo.commits["initial"]
    repo.commits["main"] = repo.commit_files(files={"NOTES.md": "second commit\n"}, message="second commit")
    return repo


@pytest.fixture
def repo_factory(tmp_path: Path) -> Callable[..., GitRepo]:
    """Make a fresh small repo from a dict of files (function scoped)."""
    counter = iter(range(1000))

    def make(files: dict[str, str]) -> GitRepo:
        return repo_create(root=tmp_path / f"repo{next(counter)}", files=files)

    return make


@pytest.fixture(scope="session")
def mount_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mount-cache")


@pytest.fixture(scope="session")
def example_mount(example_repo: GitRepo, mount_cache: Path) -> Mount:
    """The example repo mounted once per session (the cold, slow path)."""
    started = time.perf_counter()
    mount = mount_prepare(url=example_repo.url, ref="main", requirements=None, cache_root=mount_cache,
                          log=lambda line: None)
    TIMINGS["cold mount (clone + uv venv + install)"] = time.perf_counter() - started
    return mount


@pytest.fixture(scope="session")
def timings() -> dict[str, float]:
    """Durations (seconds) printed in the terminal summary."""
    return TIMINGS


@pytest.fixture
def no_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to start a process fail loudly."""
    import os
    import subprocess

    import git.cmd

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args[:1]!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(git.cmd, "Popen", refuse)
    for name in ("system", "fork", "posix_spawn", "posix_spawnp", "execv", "execve"):
        monkeypatch.setattr(os, name, refuse)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TIMINGS:
        terminalreporter.write_sep("-", "engine timings")
        for name, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{name}: {seconds * 1000:.1f} ms")

