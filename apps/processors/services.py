"""Writes on processors. A processor's repository must be trusted to be created or run;
credentials inside its git URL are stored encrypted and only the redacted URL is shown.
Giving a processor a secret (its ``password``) needs ATTACH_SECRET, and so does changing
the code of a processor that holds one: that code reads the secret.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.accounts.rights import Right
from apps.accounts.selectors import user_has_right
from apps.core.crypto import secret_decrypt, secret_encrypt
from apps.core.errors import BadRequest, Forbidden
from apps.core.models import Status
from apps.core.services import audit_record, object_create, object_delete, object_update
from apps.core.topology import topology_changed
from apps.network.notify import control_publish_on_commit
from apps.network.placement import processor_place_if_needed
from apps.processors.code_rules import module_name_problem, requirements_problems, task_name_problem
from apps.processors.events import socket_event_publish
from apps.processors.flow_queues import queue_use_check
from apps.processors.limits import hostname_resolve, processor_sockets_fit_check, socket_concurrency_check
from apps.processors.models import (
    Argument,
    MountStatus,
    Plug,
    Processor,
    ProcessorSecret,
    Socket,
    Task,
)
from apps.processors.repositories import (
    RepositoryUrlError,
    repo_has_credentials,
    repo_redact,
    repo_trust_problem,
    repo_validate,
)
from apps.processors.repository_urls import repo_fetch_url
from apps.processors.schedules import schedule_clock, socket_schedule_sync
from apps.processors.selectors import trust_rules


def repository_check(*, url: str) -> None:
    """Raise BadRequest (field ``gitrepo``) when the URL is malformed or not trusted.

    Both the URL and the one git really fetches for it here (after ``insteadOf`` rewrites
    in git's configuration) must be valid and allowed by the trust rules.
    """
    rules = trust_rules()
    for candidate in dict.fromkeys([url, repo_fetch_url(url)]):
        try:
            repo_validate(candidate)
        except RepositoryUrlError as error:
            raise BadRequest("The repository is not valid.", detail={"gitrepo": [str(error)]}) from None
        problem = repo_trust_problem(candidate, rules)
        if problem:
            raise BadRequest("The repository is not trusted.", detail={"gitrepo": [problem]})


def module_check(*, module: str) -> None:
    """Raise BadRequest (field ``module``) unless ``module`` can name a module of the checkout
    (the mount then checks it really is one)."""
    problem = module_name_problem(module)
    if problem:
        raise BadRequest("The module is not valid.", detail={"module": [problem]})


def requirements_check(*, requirements: str | None) -> None:
    """Raise BadRequest (field ``requirements``, one message a refused line) unless every line
    is a requirement specifier by name: no installer options, paths or URLs."""
    problems = requirements_problems(requirements)
    if problems:
        raise BadRequest("The requirements are not valid.", detail={"requirements": problems})


def _repository_fields(url: str) -> dict[str, str]:
    url = url.strip()
    if repo_has_credentials(url):
        return {"gitrepo": repo_redact(url), "gitrepo_secret": secret_encrypt(url)}
    return {"gitrepo": url, "gitrepo_secret": ""}


def processor_create(*, by, fields: dict[str, Any]) -> Processor:
    """Create a processor after checking its repository is trusted."""
    fields = dict(fields)
    module_check(module=fields.get("module", ""))
    requirements_check(requirements=fields.get("requirements"))
    repository_check(url=fields.get("gitrepo", ""))
    fields.update(_repository_fields(fields["gitrepo"]))
    if fields.get("hostname"):
        fields["hostname"] = hostname_resolve(hostname=fields["hostname"])
    if fields.get("password") is not None:
        _attach_right_check(by=by, why="Attaching a secret to a processor")
    return object_create(model=Processor, by=by, fields=fields, audit=True)


# What decides the code a processor runs. Whoever changes it on a processor that holds a
# secret hands that secret to the new code, so it needs the right to attach the secret.
CODE_FIELDS = ("gitrepo", "branch", "commit", "gittag", "module", "modulepath", "requirements")


def _attach_right_check(*, by, why: str) -> None:
    if not user_has_right(by, Right.ATTACH_SECRET):
        message = f"{why} needs the {Right.ATTACH_SECRET} right."
        raise Forbidden(message, detail={"password": [message]})


def _secret_rights_check(*, processor: Processor, by, fields: dict[str, Any]) -> None:
    """Refuse a change of the processor's secret, or of the code that reads it, to a user
    without ATTACH_SECRET."""
    if "password" in fields and fields["password"] != processor.password:
        _attach_right_check(by=by, why="Attaching a secret to a processor or detaching it")
    changed = [name for name in CODE_FIELDS if name in fields and fields[name] != getattr(processor, name)]
    if processor.password_id and changed:
        _attach_right_check(
            by=by, why=f"Processor '{processor.name}' holds a secret: changing its code ({', '.join(changed)})")


# Changing one of these re-places a running processor at once (a new plain concurrency
# waits for a restart, as it always did).
SCALE_FIELDS = ("min_concurrency", "max_concurrency", "scale_to_zero")
# What the scaler decides on besides SCALE_FIELDS: a change is announced on the control
# channel, so the queue monitor reads the row again at once rather than after its TTL.
SCALER_READS = (*SCALE_FIELDS, "drain_seconds", "concurrency", "enabled", "hostname", "network")


def processor_update(*, processor: Processor, by, fields: dict[str, Any]) -> Processor:
    """Validated update. New scaling bounds apply at once: the scaler's running concurrency
    is brought within them and a running processor is placed again if it no longer fits."""
    fields = dict(fields)
    if "module" in fields:
        module_check(module=fields["module"])
    if "requirements" in fields:
        requirements_check(requirements=fields["requirements"])
    if "gitrepo" in fields and fields["gitrepo"] != processor.gitrepo:
        repository_check(url=fields["gitrepo"])
        fields.update(_repository_fields(fields["gitrepo"]))
    else:
        fields.pop("gitrepo", None)
    if fields.get("hostname") and fields["hostname"] != processor.hostname:
        fields["hostname"] = hostname_resolve(hostname=fields["hostname"])
    _secret_rights_check(processor=processor, by=by, fields=fields)
    with transaction.atomic():
        processor = object_update(instance=processor, by=by, fields=fields, audit=True)
        if "concurrency" in fields or "max_concurrency" in fields:
            processor_sockets_fit_check(processor=processor)
        if any(name in fields for name in SCALE_FIELDS):
            _bounds_apply(processor=processor)
        if any(name in fields for name in SCALER_READS):
            control_publish_on_commit({"processor": str(processor.pk), "updated": sorted(fields)})
    return processor


def _bounds_apply(*, processor: Processor) -> None:
    scaled_to_zero = processor.current_concurrency == 0  # placed before, no deployment now
    if processor.current_concurrency is not None and processor.current_concurrency != processor.running_concurrency:
        processor.current_concurrency = processor.running_concurrency
        processor.save(update_fields=["current_concurrency"])
    placed = scaled_to_zero or processor.deployments.exists()
    if placed and processor.requested_status not in (Status.STOPPED, Status.REMOVED, Status.PAUSED):
        processor_place_if_needed(processor=processor, exact=True)


def processor_secret_attach(*, processor: Processor, secret: ProcessorSecret | None, by) -> Processor:
    """Give the processor's runner ``secret`` (None: take it away). Needs ATTACH_SECRET;
    audited. Its workers get it when they next start (a restart applies it at once)."""
    _attach_right_check(by=by, why="Attaching a secret to a processor")
    with transaction.atomic():
        before = processor.password
        processor.password = secret
        processor.full_clean()
        processor.save(update_fields=["password", "lastupdated"])
        text = (f"attached secret {secret.name} to processor {processor.name}" if secret
                else f"detached secret {before.name if before else '(none)'} from processor {processor.name}")
        audit_record(by=by, obj=processor, text=text, source="processors")
    return processor


def processor_repository_url(*, processor: Processor) -> str:
    """The URL to clone, credentials included. Never log or return it to a user."""
    if processor.gitrepo_secret:
        return secret_decrypt(processor.gitrepo_secret)
    return processor.gitrepo


def processor_request_status(*, processor: Processor, by, status: str) -> Processor:
    """Record the operator's wish (start, stop, pause...); agents converge to it.

    Agents hear of it on the control channel once it commits. A restart (STARTING) asks
    each deployment to restart its worker. A processor asked to run is placed first when
    it never was or has deployments on nodes that are down (a restart also when they do not
    add up to its concurrency); one with no deployment reaches stopped (or removed) at once.
    """
    with transaction.atomic():
        resumed = processor.requested_status == Status.PAUSED and status != Status.PAUSED
        processor.requested_status = status
        processor.full_clean()
        processor.save(update_fields=["requested_status", "lastupdated"])
        if status == Status.STARTING:
            processor.deployments.update(requested_status=Status.STARTING)
        if status in (Status.STOPPED, Status.REMOVED) and not processor.deployments.exists():
            processor.status = status
            processor.save(update_fields=["status"])
        control_publish_on_commit({"processor": str(processor.pk), "requested_status": status})
        if resumed:  # a paused processor's schedules paused with it: what they missed is not owed
            for socket in processor.sockets.exclude(schedule_type=""):
                socket_schedule_sync(socket=socket, restart=True)
        if status not in (Status.STOPPED, Status.REMOVED):
            # A restart also applies a new concurrency; other requests only place what is not.
            processor_place_if_needed(processor=processor, exact=status == Status.STARTING)
    return processor


def processor_remove(*, processor: Processor, by) -> None:
    """Delete the processor; its agents stop its workers as soon as the deletion commits."""
    with transaction.atomic():
        audit_record(by=by, obj=processor, text=f"deleted Processor {processor}", source="processors")
        control_publish_on_commit({"processor": str(processor.pk), "requested_status": Status.REMOVED})
        processor.delete()


STATUS_OF_ACTION = {
    "start": Status.RUNNING,
    "stop": Status.STOPPED,
    "pause": Status.PAUSED,
    "resume": Status.RUNNING,
    # Agents restart the processor's workers when asked for STARTING, then report RUNNING.
    "restart": Status.STARTING,
}


def processor_request_action(*, processor: Processor, by, action: str) -> Processor:
    """An operator's start/stop/pause/resume/restart, recorded and audited."""
    if action not in STATUS_OF_ACTION:
        raise BadRequest(f"Unknown processor action {action!r}.")
    with transaction.atomic():
        processor = processor_request_status(processor=processor, by=by, status=STATUS_OF_ACTION[action])
        audit_record(by=by, obj=processor, text=f"asked processor {processor} to {action}", source="processors")
    return processor


def task_find_or_create(*, processor: Processor, name: str, by) -> Task:
    """The processor's task of that name, created (from the processor's module) when missing.

    Raises BadRequest (field ``task``) when ``name`` is not a public function name, or when
    the processor is mounted and its module defines no such function (the mount lists them:
    a function imported into the module, like ``os.system``, is not one of them). An
    unmounted processor's names are checked at its mount and again by the runner.
    """
    problem = task_name_problem(name)
    if problem:
        raise BadRequest("The task is not a function of the module.", detail={"task": [problem]})
    task = Task.objects.filter(processor=processor, name=name).first()
    if processor.mount_status == MountStatus.READY and (
            task is None or not task.enabled or task.module != processor.module):
        message = (f"Module '{processor.module}' of processor '{processor.name}' defines no function "
                   f"'{name}' (at its mounted commit {processor.mount_commit[:12]}).")
        raise BadRequest("The task is not a function of the module.", detail={"task": [message]})
    if task is not None:
        return task
    fields = {"name": name, "processor": processor, "module": processor.module}
    return object_create(model=Task, by=by, fields=fields, audit=True)


def socket_create(*, by, fields: dict[str, Any]) -> Socket:
    """A socket on ``fields["processor"]`` for the function named ``fields["task"]``.
    A flow's deploy also gives ``flow_key`` and ``flow_version`` (the API never does)."""
    fields = dict(fields)
    socket_concurrency_check(processor=fields["processor"], concurrency=fields.get("concurrency"))
    queue_use_check(queue=fields.get("queue"), flow_key=fields.get("flow_key", ""),
                    what=f"the socket '{fields.get('name', '')}'")
    with transaction.atomic():
        fields["task"] = task_find_or_create(processor=fields["processor"], name=fields["task"], by=by)
        socket = object_create(model=Socket, by=by, fields=fields, audit=True)
        socket_schedule_sync(socket=socket)
        _sockets_changed(socket.processor_id)
        socket_event_publish(socket=socket, event="created")
        return socket


def socket_update(*, socket: Socket, by, fields: dict[str, Any]) -> Socket:
    fields = dict(fields)
    socket_concurrency_check(processor=fields.get("processor", socket.processor),
                             concurrency=fields.get("concurrency", socket.concurrency))
    if "queue" in fields:
        queue_use_check(queue=fields["queue"], flow_key=socket.flow_key, what=f"the socket '{socket.name}'")
    with transaction.atomic():
        if "task" in fields or "processor" in fields:
            processor = fields.get("processor", socket.processor)
            name = fields.get("task", socket.task.name)
            fields["task"] = task_find_or_create(processor=processor, name=name, by=by)
        before, clock = socket.processor, schedule_clock(socket)
        socket = object_update(instance=socket, by=by, fields=fields, audit=True)
        socket_schedule_sync(socket=socket, clock_before=clock)
        _sockets_changed(before.pk, socket.processor_id)
        socket_event_publish(socket=socket, event="updated", previous_processor=before.name)
        return socket


def socket_flow_version_set(*, socket: Socket, flow_version) -> Socket:
    """Record the version of its flow deployed last (calls of the socket record it). Only
    a deploy of the flow that owns the socket (``socket.flow_key``) calls this."""
    Socket.objects.filter(pk=socket.pk).update(flow_version=flow_version)
    topology_changed()
    socket.flow_version = flow_version
    return socket


def sockets_flow_release(*, flow_key: str) -> None:
    """A deleted flow's sockets and plugs stay on the network as if made outside any flow."""
    Socket.objects.filter(flow_key=flow_key).update(flow_key="", flow_version=None)
    Plug.objects.filter(flow_key=flow_key).update(flow_key="")
    topology_changed()


def socket_delete(*, socket: Socket, by) -> None:
    """Delete a socket and its schedule (its calls, plugs and schedule runs go with it)."""
    with transaction.atomic():
        _sockets_changed(socket.processor_id)
        socket_event_publish(socket=socket, event="deleted")
        object_delete(instance=socket, by=by, audit=True)


def _sockets_changed(*processor_ids) -> None:
    """Wake the agents: running workers of these processors follow their sockets' and
    plugs' queues."""
    for processor_id in sorted({str(pid) for pid in processor_ids}):
        control_publish_on_commit({"processor": processor_id, "sockets": "changed"})


def _plug_argument(*, target: Socket, name: str | None) -> Argument | None:
    if not name:
        return None
    argument = Argument.objects.filter(task=target.task, name=name).first()
    if argument is None:
        message = f"The task '{target.task.name}' of socket '{target.name}' has no argument '{name}'."
        raise BadRequest("The argument is not one of the target's.", detail={"argument": [message]})
    return argument


def _plug_fields(*, fields: dict[str, Any], plug: Plug | None) -> dict[str, Any]:
    fields = dict(fields)
    source = fields.get("source") or (plug.source if plug else None)
    target = fields.get("target") or (plug.target if plug else None)
    if source is None or target is None:
        missing = {name: ["This field is required."] for name in ("source", "target") if not fields.get(name)}
        raise BadRequest("A plug joins a source socket to a target socket.", detail=missing)
    if source.pk == target.pk:
        raise BadRequest("A plug cannot connect a socket to itself.", detail={"target": ["Same as source."]})
    if "queue" in fields or "target" in fields:
        name = fields.get("name") or (plug.name if plug else "")
        queue_use_check(queue=fields.get("queue") or (plug.queue if plug else None), target=target,
                        flow_key=fields.get("flow_key", plug.flow_key if plug else ""), what=f"the plug '{name}'")
    if not fields.get("processor"):
        fields["processor"] = plug.processor if plug else source.processor
    if "argument" in fields or "target" in fields:
        current = plug.argument.name if plug and plug.argument else None
        fields["argument"] = _plug_argument(target=target, name=fields.get("argument", current))
    return fields


def plug_create(*, by, fields: dict[str, Any]) -> Plug:
    """A plug from a source socket to a target socket; ``fields["argument"]`` (a name, optional)
    must be an argument of the target socket's task. The target's workers start consuming
    the plug's queue (its deliveries travel there, apps.engine.queues)."""
    with transaction.atomic():
        plug = object_create(model=Plug, by=by, fields=_plug_fields(fields=fields, plug=None), audit=True)
        _sockets_changed(plug.target.processor_id)
        return plug


def plug_update(*, plug: Plug, by, fields: dict[str, Any]) -> Plug:
    with transaction.atomic():
        before = plug.target.processor_id
        plug = object_update(instance=plug, by=by, fields=_plug_fields(fields=fields, plug=plug), audit=True)
        _sockets_changed(before, plug.target.processor_id)
        return plug


def plug_delete(*, plug: Plug, by) -> None:
    """Delete a plug; its target's workers stop consuming its queue (calls already on it
    stay there until the queue is consumed again or purged)."""
    with transaction.atomic():
        _sockets_changed(plug.target.processor_id)
        object_delete(instance=plug, by=by, audit=True)


def secret_create(*, by, fields: dict[str, Any]) -> ProcessorSecret:
    """Store ``fields["value"]`` encrypted; the clear value is never kept or logged."""
    fields = dict(fields)
    fields["ciphertext"] = secret_encrypt(fields.pop("value"))
    return object_create(model=ProcessorSecret, by=by, fields=fields, audit=True)


def secret_update(*, secret: ProcessorSecret, by, fields: dict[str, Any]) -> ProcessorSecret:
    fields = dict(fields)
    if "value" in fields:
        fields["ciphertext"] = secret_encrypt(fields.pop("value"))
    return object_update(instance=secret, by=by, fields=fields, audit=True)
