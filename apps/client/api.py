"""The Python client API: sockets as functions, and pipeline / parallel / funnel workflows.

    from apps.client.api import Socket as Function, pipeline, parallel, funnel
    do_something = Function(name="pyfi.processors.sample.do_something").p
    print(funnel([do_something("Eight"), do_something("Nine")])(do_something("Four")).get())

Nothing runs on the client: a workflow is sent to the server as a JSON tree, which runs it
on the network's workers as one run. The client needs only the server URL and a token
(from ``flow login``'s config file, or FLOW_URL / FLOW_TOKEN).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from apps.client.config import load_config
from apps.client.errors import ApiError
from apps.client.http import ApiClient

_default: ApiClient | None = None


class RunFailed(ApiError):
    """The run ended with a failed call; ``message`` is that call's error."""

    exit_code = 1


class RunTimeout(ApiError):
    """The run did not end within the time ``get`` was given."""

    exit_code = 9


def connect(url: str | None = None, token: str | None = None, **options: Any) -> ApiClient:
    """Set the client every Socket and workflow uses (defaults to the flow config)."""
    global _default
    config = load_config()
    _default = ApiClient(url or config.url, token or config.token, **options)
    return _default


def client() -> ApiClient:
    return _default or connect()


@dataclass
class Run:
    """A run on the server. ``get()`` waits for its result."""

    id: str
    calls: list[dict] = field(default_factory=list)

    def get(self, timeout: float = 120, interval: float = 0.05) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            state = client().get(f"runs/{self.id}/")
            if state["state"] == "finished":
                return state.get("result")
            if state["state"] == "failed":
                raise RunFailed(state.get("error") or "the run failed", code="run_failed")
            if time.monotonic() > deadline:
                raise RunTimeout(f"run {self.id} did not end within {timeout} s", code="timeout")
            time.sleep(interval)
            interval = min(interval * 1.5, 0.5)


class Node:
    """A deferred piece of a workflow."""

    def tree(self) -> dict:
        raise NotImplementedError

    def run(self) -> Run:
        body = client().post("runs/", {"workflow": self.tree()})
        return Run(id=str(body["run"]), calls=body.get("calls", []))


@dataclass
class Signature(Node):
    """One deferred call of a socket (what ``Socket.p(...)`` returns)."""

    socket: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def tree(self) -> dict:
        return {"call": self.socket, "args": list(self.args), "kwargs": dict(self.kwargs)}

    def __call__(self) -> Run:
        return self.run()


@dataclass
class Pipeline(Node):
    steps: list[Node]

    def tree(self) -> dict:
        return {"pipeline": [step.tree() for step in self.steps]}

    def __call__(self) -> Run:
        return self.run()


@dataclass
class Parallel(Node):
    items: list[Node]

    def tree(self) -> dict:
        return {"parallel": [item.tree() for item in self.items]}

    def __call__(self) -> Run:
        return self.run()


@dataclass
class Funnel(Node):
    items: list[Node]
    then: Node | None = None

    def tree(self) -> dict:
        node: dict[str, Any] = {"funnel": [item.tree() for item in self.items]}
        if self.then is not None:
            node["then"] = self.then.tree()
        return node

    def __call__(self, then: Node | None = None) -> Run:
        """Run, sending the gathered results to ``then`` (or to the funnel's own final step)."""
        if then is not None and self.then is not None:
            return Funnel(items=[self], then=then).run()
        return Funnel(items=self.items, then=then or self.then).run()


def pipeline(steps: list[Node]) -> Pipeline:
    """Run steps one after the other, each receiving the previous result first."""
    return Pipeline(steps=list(steps))


def parallel(items: list[Node]) -> Parallel:
    """Run items at the same time; the result is the list of their results."""
    return Parallel(items=list(items))


def funnel(items: list[Node], then: Node | None = None) -> Funnel:
    """Run items in parallel and pass the list of results to one final step."""
    return Funnel(items=list(items), then=then)


class Socket:
    """A socket of the network, used like a function: ``Socket(name=...)("data")`` runs it now;
    ``Socket(name=...).p("data")`` is a deferred call for workflows."""

    def __init__(self, name: str) -> None:
        self.name = name

    def p(self, *args: Any, **kwargs: Any) -> Signature:
        return Signature(socket=self.name, args=args, kwargs=kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Run:
        return self.p(*args, **kwargs).run()

    def __repr__(self) -> str:
        return f"Socket({self.name!r})"


Function = Socket
