"""Who user code runs as: an unprivileged user of its own, beside a worker nobody can read.

Stdlib only (``runner_client`` and the mounts import it; neither imports Django).

A worker that runs as root starts the runner (and the import that lists a module's
functions) as ``RUNNER_USER``: another uid cannot read the worker's ``/proc/<pid>/environ``
or memory, the private files of the state folder (mode 0600 in a 0711 folder) or the
database file. Where that is impossible (the worker is not root, the user does not exist,
or it cannot run the mount's interpreter) the code runs as the worker's own user and the
caller says so loudly. Every worker also makes itself non-dumpable, which keeps processes
of the same uid (user code among them) out of its ``/proc/<pid>/environ`` too.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PR_SET_DUMPABLE = 4
CHECK_TIMEOUT = 30.0


@dataclass(frozen=True)
class RunnerUser:
    """The unprivileged identity user code is started with."""

    name: str
    uid: int
    gid: int

    def popen_kwargs(self) -> dict[str, Any]:
        """``subprocess.Popen`` arguments that start the child as this user, with no other groups."""
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def own(self, path: Path) -> None:
        """Give the child's own scratch folder (its HOME) to this user."""
        os.chown(path, self.uid, self.gid)


def popen_identity(user: RunnerUser | None) -> dict[str, Any]:
    return user.popen_kwargs() if user is not None else {}


def runner_user_resolve(name: str) -> tuple[RunnerUser | None, str]:
    """``(user, "")`` when this process can start children as ``name``, else ``(None, why not)``."""
    if not name:
        return None, "RUNNER_USER is empty"
    if os.geteuid() != 0:
        return None, f"the worker runs as {_user_name(os.geteuid())}, not root, so it cannot switch users"
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None, f"the user {name!r} does not exist (bin/setup creates it when run as root)"
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        return None, f"RUNNER_USER {name!r} is root or in group root"
    return RunnerUser(name=name, uid=entry.pw_uid, gid=entry.pw_gid), ""


def runner_user_can_run(user: RunnerUser, *, python: Path, source: Path, script: Path) -> str:
    """"" when ``user`` can start ``python``, read ``script`` and list ``source``; else the error."""
    probe = "import os, sys; open(sys.argv[1], 'rb').close(); os.listdir(sys.argv[2])"
    try:
        result = subprocess.run(
            [str(python), "-c", probe, str(script), str(source)], env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            cwd="/", capture_output=True, timeout=CHECK_TIMEOUT, check=False, **user.popen_kwargs(),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"it cannot start {python}: {exc}"
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return f"it cannot run {python} on {source} (exit code {result.returncode}: {tail[0]})"
    return ""


def runner_user_choose(name: str, *, python: Path, source: Path, script: Path) -> tuple[RunnerUser | None, str]:
    """The user to start user code as for this mount, or ``(None, why it runs as this process's user)``."""
    user, why = runner_user_resolve(name)
    if user is None:
        return None, why
    cannot = runner_user_can_run(user, python=python, source=source, script=script)
    if cannot:
        return None, (f"the user {name!r} exists but {cannot}; make the mounts and the processors' "
                      "base interpreter (MOUNT_PYTHON) readable by it")
    return user, ""


def process_undumpable() -> bool:
    """``prctl(PR_SET_DUMPABLE, 0)`` on this process (inherited by its forks, not across exec):
    no core dumps, and processes of the same uid cannot read its environ or memory or trace
    it. Linux only; ``False`` where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
