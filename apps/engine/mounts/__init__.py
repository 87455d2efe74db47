"""Prepare "mounts": a git checkout plus a virtualenv to run a repository's functions.

Plain Python, no Django: every path, URL and callback is passed in by the caller.

Public API::

    mount_prepare(*, url, ref, requirements, cache_root, log, on_stage) -> Mount
    repo_checkout(*, url, ref, cache_dir, log) -> Checkout
    repo_redact(url) -> str
    venv_build(*, source, venv_dir, requirements, log) -> Path
    module_introspect(*, python, source, module, timeout=60) -> Introspection
    MountError (``.stage``, ``.message``)
"""

from .errors import MountError
from .git import Checkout, repo_checkout, repo_redact
from .introspect import ArgumentInfo, FunctionInfo, Introspection, module_introspect
from .mount import Mount, mount_prepare
from .stages import MountStage, StageReport
from .venv import venv_build

__all__ = [
    "ArgumentInfo",
    "Checkout",
    "FunctionInfo",
    "Introspection",
    "Mount",
    "MountError",
    "MountStage",
    "StageReport",
    "module_introspect",
    "mount_prepare",
    "repo_checkout",
    "repo_redact",
    "venv_build",
]
