"""Declare processors, sockets and plugs from Python, idempotently, through the API.

    @processor(name="proc2", gitrepo=os.environ["GIT_REPO"], module="pkg.sample", concurrency=1)
    class ProcessorB(ProcessorBase):
        @socket(name="proc2.do_this", processor="proc2", queue={"name": "sockq2"})
        def do_this(message): ...

Running the module twice changes nothing: each object is looked up by name, created when
missing and updated only where a field differs. The decorated function is returned
unchanged; it never runs on the client (the network runs the code from git).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps.client.api import client
from apps.client.errors import NotFound


class ProcessorBase:
    """Base class for classes decorated with ``@processor`` (kept for the spec's examples)."""


def declare(kind: str, name: str, fields: dict[str, Any]) -> dict:
    """Create the object, or update the fields that differ; returns it as the server has it."""
    api = client()
    try:
        current = api.find(kind, name)
    except NotFound:
        return api.post(f"{kind}/", {"name": name, **fields})
    changed = {key: value for key, value in fields.items() if current.get(key) != value}
    if not changed:
        return current
    return api.patch(f"{kind}/{current['id']}/", changed)


def _queue(spec: dict | str | None) -> str | None:
    if spec is None:
        return None
    if isinstance(spec, str):
        spec = {"name": spec}
    fields = {k: v for k, v in spec.items() if k in {"qtype", "durable", "message_ttl", "max_length", "expires"}}
    declare("queues", spec["name"], fields)
    return spec["name"]


PENDING = "__elasticcode_declarations__"


def _declare_or_defer(function: Callable, kind: str, name: str, body: dict[str, Any]) -> None:
    """Functions in a class body wait for the class's ``@processor``, which exists first."""
    if "." not in function.__qualname__:
        declare(kind, name, body)
        return
    if not hasattr(function, PENDING):
        setattr(function, PENDING, [])
    getattr(function, PENDING).append((kind, name, body))


def processor(*, name: str, gitrepo: str, module: str, **fields: Any) -> Callable[[type], type]:
    def wrap(cls: type) -> type:
        declare("processors", name, {"gitrepo": gitrepo, "module": module, **fields})
        for member in vars(cls).values():
            for kind, object_name, body in getattr(member, PENDING, []):
                declare(kind, object_name, body)
        cls.processor_name = name  # type: ignore[attr-defined]
        return cls

    return wrap


def socket(*, name: str, processor: str, queue: dict | str | None = None, task: str | None = None,
           interval: int | None = None, beat: bool = False, **fields: Any) -> Callable[[Callable], Callable]:
    def wrap(function: Callable) -> Callable:
        body: dict[str, Any] = {"processor": processor, "task": task or function.__name__, **fields}
        queue_name = _queue(queue or {"name": f"{processor}.queue"})
        body["queue"] = queue_name
        if interval:
            body.update({"schedule_type": "INTERVAL", "interval": interval, "scheduled": bool(beat)})
        _declare_or_defer(function, "sockets", name, body)
        function.socket_name = name  # type: ignore[attr-defined]
        return function

    return wrap


def plug(*, name: str, target: str, queue: dict | str | None = None, argument: str | None = None,
         type: str = "RESULT") -> Callable[[Callable], Callable]:
    """Connect the socket declared just below (``@socket``) to ``target``."""

    def wrap(function: Callable) -> Callable:
        source = getattr(function, "socket_name", None)
        if source is None:
            raise TypeError("@plug must be placed above @socket (it plugs that socket's result).")
        body: dict[str, Any] = {"source": source, "target": target, "type": type,
                                "queue": _queue(queue or {"name": f"{name}.queue"})}
        if argument:
            body["argument"] = argument
        _declare_or_defer(function, "plugs", name, body)
        return function

    return wrap
