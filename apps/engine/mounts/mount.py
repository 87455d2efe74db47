"""A "mount": a repository checkout plus the virtualenv its functions run in.

Layout under ``cache_root`` (see ``git.py`` for the checkout part)::

    <repo key>/<commit>/src                      checkout, shared by all requirements
    <repo key>/<commit>/venv-<req hash>/         venv; ``.ready`` inside when complete
    <repo key>/<commit>/venv-<req hash>.lock     flock held while building it

Invariants:
- processors on the same repository, commit and (normalised) requirements
  share one mount; its ``key`` is ``<repo key>/<commit>/<req hash>``;
- a venv is only built while holding its lock file's exclusive ``flock``, so
  concurrent callers (threads or processes) build it once; a venv directory
  without ``.ready`` is a leftover of a failed/killed build and is rebuilt;
- the warm path (checkout and venv ready, ref known without network) does a
  few ``stat`` calls and starts no process.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import MountError
from .git import DEFAULT_REF_TTL, repo_checkout, repo_key
from .stages import MountStage, StageReport, stage_ignore
from .venv import venv_build

Log = Callable[[str], None]

READY_MARKER = ".ready"


@dataclass(frozen=True)
class Mount:
    """A ready mount: run ``python`` with ``path`` on ``sys.path``."""

    key: str
    path: Path
    commit: str
    python: Path


def requirements_hash(requirements: str | None) -> str:
    """12-hex-digit hash of requirements text, ignoring blank lines and surrounding spaces."""
    lines = [line.strip() for line in (requirements or "").splitlines()]
    normalised = "\n".join(line for line in lines if line)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:12]


def mount_prepare(
    *,
    url: str,
    ref: str | None,
    requirements: str | None,
    cache_root: Path,
    log: Log,
    ref_ttl: float = DEFAULT_REF_TTL,
    base_python: Path | None = None,
    install_timeout: float = 900.0,
    on_stage: StageReport = stage_ignore,
) -> Mount:
    """Check out ``url`` at ``ref`` and build its venv, or return the existing mount.

    ``ref_ttl`` is how long (seconds) a branch/tag -> commit resolution is
    reused without asking the remote (0 = always ask; full SHAs never ask).
    ``on_stage`` hears each step as it starts (cloning; creating the environment and
    installing only when the venv is built).
    Raises ``MountError`` (stage clone, checkout, venv or install).
    """
    on_stage(MountStage.CLONING)
    checkout = repo_checkout(url=url, ref=ref, cache_dir=Path(cache_root), log=log, ref_ttl=ref_ttl)
    req_hash = requirements_hash(requirements)
    commit_dir = checkout.path.parent
    venv_dir = commit_dir / f"venv-{req_hash}"
    mount = Mount(
        key=f"{repo_key(url)}/{checkout.commit}/{req_hash}",
        path=checkout.path,
        commit=checkout.commit,
        python=venv_dir / "bin" / "python",
    )
    if _venv_ready(venv_dir):
        return mount
    with _locked(commit_dir / f"venv-{req_hash}.lock", log=log):
        if _venv_ready(venv_dir):  # built by someone else while we waited
            return mount
        _venv_fresh_build(
            source=checkout.path,
            venv_dir=venv_dir,
            requirements=requirements,
            log=log,
            base_python=base_python,
            timeout=install_timeout,
            on_stage=on_stage,
        )
    return mount


def _venv_ready(venv_dir: Path) -> bool:
    return (venv_dir / READY_MARKER).is_file() and (venv_dir / "bin" / "python").exists()


def _venv_fresh_build(
    *,
    source: Path,
    venv_dir: Path,
    requirements: str | None,
    log: Log,
    base_python: Path | None,
    timeout: float,
    on_stage: StageReport,
) -> None:
    """Build the venv from scratch (caller holds the lock); remove it again on failure."""
    if venv_dir.exists():
        log("removing an unfinished virtualenv from an earlier attempt")
        shutil.rmtree(venv_dir)
    started = time.monotonic()
    log(f"building virtualenv {venv_dir.name}")
    try:
        venv_build(
            source=source,
            venv_dir=venv_dir,
            requirements=requirements,
            log=log,
            base_python=base_python,
            timeout=timeout,
            on_stage=on_stage,
        )
    except BaseException:
        shutil.rmtree(venv_dir, ignore_errors=True)
        raise
    (venv_dir / READY_MARKER).write_text(f"{time.time()}\n", encoding="utf-8")
    log(f"virtualenv ready in {time.monotonic() - started:.1f} s")


@contextlib.contextmanager
def _locked(path: Path, *, log: Log) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if needed) for the block."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise MountError(stage="venv", message=f"could not open lock file {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log("waiting for another build of the same virtualenv to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
