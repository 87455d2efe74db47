"""Mount a processor: check out its repository at its ref, build its virtualenv, and
turn the module's public functions into Task and Argument rows.

The mount status (queued, mounting, ready, failed) and a bounded log are kept on the
processor so the pages and the API can say what happened and why; each status and each
step (cloning, creating the environment, installing, introspecting) is a live mount event
(``apps.engine.mount_status``).
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.core.errors import PlatformError
from apps.core.topology import topology_changed
from apps.engine.mount_status import mount_stage_publish, mount_status_set
from apps.engine.mounts.errors import MountError
from apps.engine.mounts.git import text_redact
from apps.engine.mounts.introspect import SCRIPT_PATH, FunctionInfo, Introspection, module_introspect
from apps.engine.mounts.mount import Mount, mount_prepare
from apps.engine.mounts.stages import MountStage
from apps.engine.runner_user import RunnerUser, runner_user_choose
from apps.processors.models import Argument, MountStatus, Processor, Task
from apps.processors.services import processor_repository_url, repository_check

logger = logging.getLogger(__name__)

MAX_MOUNT_LOG = 32 * 1024
HIDDEN_PARAMETERS = {"plugs", "output"}


class MountLog:
    """Collects mount output, redacted and bounded (the tail is what explains a failure)."""

    def __init__(self, *, url: str) -> None:
        self.url = url
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(text_redact(line, url=self.url))

    def text(self) -> str:
        text = "\n".join(self.lines)
        return text if len(text) <= MAX_MOUNT_LOG else "…(earlier output cut)\n" + text[-MAX_MOUNT_LOG:]


def processor_ref(processor: Processor) -> str | None:
    return processor.commit or processor.gittag or processor.branch or None


SYSTEM_PYTHONS = ("/usr/bin/python3", "/usr/local/bin/python3")


def _others_can_run(path: Path) -> bool:
    """Whether a user other than the owner can reach and execute ``path`` (every folder
    above it searchable by others, the file executable by others)."""
    try:
        target = path.resolve(strict=True)
        folders_ok = all(os.stat(folder).st_mode & stat.S_IXOTH for folder in target.parents)
        return folders_ok and bool(os.stat(target).st_mode & stat.S_IXOTH)
    except OSError:
        return False


def mount_python() -> Path | None:
    """The base interpreter of processors' virtualenvs: MOUNT_PYTHON; else, when this process
    runs as root and the runner user could not execute the platform's own interpreter (a
    pyenv under /root, say), the system's python3; else the platform's own (None)."""
    if settings.MOUNT_PYTHON:
        return Path(settings.MOUNT_PYTHON)
    if os.geteuid() != 0 or not settings.RUNNER_USER or _others_can_run(Path(sys.executable)):
        return None
    return next((Path(name) for name in SYSTEM_PYTHONS if _others_can_run(Path(name))), None)


def _introspect_user(*, processor: Processor, mount: Mount) -> RunnerUser | None:
    """Importing the module runs its code: as the runner user where this process can (like the runner)."""
    user, why = runner_user_choose(settings.RUNNER_USER, python=mount.python, source=mount.path,
                                   script=SCRIPT_PATH)
    if user is None:
        logger.warning("SECURITY WARNING: the module of processor %s is imported as this process's own "
                       "user, not an unprivileged one: %s", processor.name, why)
    return user


def processor_mount(*, processor: Processor, reuse_ready: bool = False) -> Mount:
    """Mount the processor's code (shared with any processor on the same repo and commit).

    ``reuse_ready`` (workers starting): when the mount is ready at the commit the ref still
    resolves to, return it without reading the module again.
    Raises MountError with the stage that failed; the processor records it as failed.
    Raises BadRequest when its repository is not trusted (any more).
    """
    url = processor_repository_url(processor=processor)
    try:
        repository_check(url=url)
    except PlatformError as error:
        mount_status_set(processor=processor, status=MountStatus.FAILED,
                         log=f"{error.message} {error.detail or ''}".strip())
        raise
    ready = _ready_mount(processor=processor, url=url) if reuse_ready else None
    if ready is not None:
        return ready
    log = MountLog(url=url)
    mount_status_set(processor=processor, status=MountStatus.MOUNTING)

    def on_stage(stage: MountStage) -> None:
        mount_stage_publish(processor=processor, stage=stage)

    try:
        mount = mount_prepare(url=url, ref=processor_ref(processor), requirements=processor.requirements,
                              cache_root=settings.MOUNT_ROOT, log=log, base_python=mount_python(),
                              on_stage=on_stage)
        on_stage(MountStage.INTROSPECTING)
        found = module_introspect(python=mount.python, source=mount.path, module=processor.module,
                                  user=_introspect_user(processor=processor, mount=mount))
        sockets_check(processor=processor, found=found)
    except MountError as error:
        log(f"{error.stage} failed: {error.message}")
        mount_status_set(processor=processor, status=MountStatus.FAILED, log=log.text())
        raise
    for warning in found.warnings:
        log(f"warning: {warning}")
    with transaction.atomic():
        tasks_sync(processor=processor, found=found)
        mount_status_set(processor=processor, status=MountStatus.READY, log=log.text(), commit=mount.commit,
                         functions=len(found.functions))
    return mount


def _ready_mount(*, processor: Processor, url: str) -> Mount | None:
    if processor.mount_status != MountStatus.READY or not processor.mount_commit:
        return None
    try:
        mount = mount_prepare(url=url, ref=processor_ref(processor), requirements=processor.requirements,
                              cache_root=settings.MOUNT_ROOT, log=lambda line: None, base_python=mount_python())
    except MountError:
        return None  # the full path records why
    return mount if mount.commit == processor.mount_commit else None


def sockets_check(*, processor: Processor, found: Introspection) -> None:
    """Raise MountError (stage introspect) when a socket of the processor names a function
    its module does not define (one it imports, like ``os.system``, is not defined there)."""
    names = {info.name for info in found.functions}
    wrong = sorted(
        (socket.name, socket.task.name)
        for socket in processor.sockets.select_related("task")
        if socket.task.name not in names
    )
    if wrong:
        listed = ", ".join(f"socket '{socket}' runs '{task}'" for socket, task in wrong)
        raise MountError(stage="introspect", message=f"module {processor.module!r} defines no such function: "
                         f"{listed}. Point those sockets at a function defined in the module.")


def tasks_sync(*, processor: Processor, found: Introspection) -> None:
    """Make the processor's Task and Argument rows match the module's functions.

    ``enabled`` on a task says its function was found at the last mount (sockets of a
    mounted processor may only name those)."""
    for info in found.functions:
        task, _ = Task.objects.update_or_create(
            processor=processor, name=info.name,
            defaults=_task_fields(processor=processor, info=info),
        )
        arguments_sync(task=task, info=info)
    processor.tasks.exclude(name__in=[info.name for info in found.functions]).update(enabled=False)
    topology_changed()


def _task_fields(*, processor: Processor, info: FunctionInfo) -> dict:
    return {
        "module": processor.module, "gitrepo": processor.gitrepo, "source": info.source or "",
        "docstring": info.doc or "", "accepts_plugs": info.accepts_plugs,
        "accepts_output": info.accepts_output, "enabled": True, "returns": (info.returns or "")[:200],
    }


def arguments_sync(*, task: Task, info: FunctionInfo) -> None:
    """Upsert by name, so plugs bound to an argument keep their binding across mounts."""
    wanted = [a for a in info.arguments if a.name not in HIDDEN_PARAMETERS]
    for argument in wanted:
        Argument.objects.update_or_create(
            task=task, name=argument.name,
            defaults={
                "position": argument.position, "kind": argument.kind,
                "annotation": (argument.annotation or "")[:200],
                "default": argument.default if argument.has_default and not argument.default_is_repr else None,
                "has_default": argument.has_default,
            },
        )
    task.arguments.exclude(name__in=[a.name for a in wanted]).delete()
