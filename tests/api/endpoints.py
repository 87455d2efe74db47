"""Every endpoint of the API, and how to call each one successfully.

``api_endpoints()`` walks the router, so a new viewset or action shows up here by itself;
``prepare(endpoint)`` builds the objects a successful call needs and returns the URL and
body. An endpoint without a recipe fails test_every_endpoint_has_a_recipe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from apps.accounts.models import (
    Privilege,
    RevokedPrivilege,
    Role,
    RolePrivilege,
    UserPrivilege,
)
from apps.calls.models import Event, MetricSample
from apps.core.models import Log, Setting
from apps.flows.models import File, Flow, Version
from apps.network.models import (
    Action,
    Agent,
    Container,
    Deployment,
    Network,
    Node,
    QueueLog,
    Scheduler,
    Worker,
)
from apps.processors.models import (
    Argument,
    Gate,
    ProcessorSecret,
    TrustedRepository,
    Work,
)
from flowsite.api_urls import router
from tests.factories import (
    make_call,
    make_processor,
    make_queue,
    make_socket,
    make_task,
    unique,
)
from tests.fixtures.api import make_user, privilege

STANDARD = {
    "list": ("get", False), "create": ("post", False), "retrieve": ("get", True),
    "update": ("put", True), "partial_update": ("patch", True), "destroy": ("delete", True),
}
TRUSTED_REPO = "https://github.com/acme/flows.git"


@dataclass(frozen=True)
class Endpoint:
    basename: str
    action: str
    method: str
    url_name: str
    detail: bool
    right: str
    siblings: tuple[str, ...] = ()  # the other rights the same viewset declares

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.basename}.{self.action}"


@dataclass
class Call:
    url: str
    body: dict[str, Any] = field(default_factory=dict)


def _endpoint(viewset, basename: str, action: str, method: str, url_name: str, detail: bool) -> Endpoint:
    right = viewset.rights.get(action)
    siblings = {str(r) for r in viewset.rights.values()} - {right}
    return Endpoint(basename, action, method, url_name, detail, right, tuple(sorted(siblings)))


def api_endpoints() -> list[Endpoint]:
    found = []
    for _prefix, viewset, basename in router.registry:
        for action, (method, detail) in STANDARD.items():
            if hasattr(viewset, action):
                url_name = f"{basename}-{'detail' if detail else 'list'}"
                found.append(_endpoint(viewset, basename, action, method, url_name, detail))
        for extra in viewset.get_extra_actions():
            for method, action in extra.mapping.items():
                found.append(_endpoint(viewset, basename, action, method, f"{basename}-{extra.url_name}", extra.detail))
    return found


# --- objects: one recipe per basename, (an existing object, a body that creates one) -------

def _trusted() -> None:
    TrustedRepository.objects.get_or_create(
        name="acme", defaults={"pattern": "https://github.com/acme/*", "kind": "allow"}
    )


def _processor_body() -> dict:
    _trusted()
    return {"name": unique("proc"), "module": "acme.flows", "gitrepo": TRUSTED_REPO}


def _named(model) -> Callable[[], Any]:
    return lambda: model.objects.create(name=unique(model.__name__.lower()))


OBJECTS: dict[str, tuple[Callable[[], Any], Callable[[], dict]]] = {
    "user": (make_user, lambda: {"username": unique("u"), "email": f"{unique('u')}@example.com",
                                 "password": "a long enough password"}),
    "role": (_named(Role), lambda: {"name": unique("role")}),
    "privilege": (lambda: privilege("ADD_QUEUE"), dict),
    "log": (lambda: Log.objects.create(oid="x", discriminator="Test", text="t", source="test"), dict),
    "setting": (lambda: Setting.objects.create(name=unique("s"), value="1"),
                lambda: {"name": unique("s"), "value": "2"}),
    "network": (_named(Network), lambda: {"name": unique("net")}),
    "node": (lambda: Node.objects.create(name=unique("node"), hostname=unique("h")),
             lambda: {"name": unique("node"), "hostname": unique("h"), "cpus": 4}),
    "agent": (lambda: Agent.objects.create(name=unique("a"), node=OBJECTS["node"][0](), hostname="h"),
              lambda: {"name": unique("a"), "node": OBJECTS["node"][0]().name, "hostname": "h"}),
    "worker": (lambda: Worker.objects.create(name=unique("w"), processor=make_processor()),
               lambda: {"name": unique("w"), "processor": make_processor().name,
                        "broker": "amqp://guest:guest@rabbit//"}),
    "deployment": (lambda: Deployment.objects.create(name="d", hostname="h", processor=make_processor()),
                   lambda: {"name": "d", "hostname": unique("h"), "processor": make_processor().name}),
    "queue": (make_queue, lambda: {"name": unique("q"), "message_ttl": 3000}),
    "scheduler": (_named(Scheduler), lambda: {"name": unique("sch"), "strategy": "EFFICIENT"}),
    "action": (lambda: Action.objects.create(name=unique("act"), target="host"),
               lambda: {"name": unique("act"), "target": "worker", "params": {"n": 1}}),
    "container": (lambda: Container.objects.create(name=unique("c"), container_id=unique("cid")),
                  lambda: {"name": unique("c"), "container_id": unique("cid")}),
    "queuelog": (lambda: QueueLog.objects.create(queue=make_queue(), ready=3), dict),
    "processor": (make_processor, _processor_body),
    "task": (make_task, lambda: {"name": "fn", "processor": make_processor().name, "module": "m"}),
    "argument": (lambda: Argument.objects.create(name="x", task=make_task()),
                 lambda: {"name": "x", "task": str(make_task().pk), "position": 1}),
    "socket": (make_socket, lambda: {"name": unique("sock"), "processor": make_processor().name,
                                     "queue": make_queue().name, "task": "do_something"}),
    "plug": (lambda: _plug(), lambda: _plug_body()),
    "gate": (lambda: Gate.objects.create(name=unique("g"), task=make_task()),
             lambda: {"name": unique("g"), "task": str(make_task().pk), "open": False}),
    "work": (lambda: Work.objects.create(name=unique("wk"), task=make_task()),
             lambda: {"name": unique("wk"), "task": str(make_task().pk)}),
    "repository": (lambda: TrustedRepository.objects.create(name=unique("r"), pattern="https://x/*"),
                   lambda: {"name": unique("r"), "pattern": "https://github.com/acme/*", "kind": "allow"}),
    "secret": (lambda: ProcessorSecret.objects.create(name=unique("sec"), ciphertext="x"),
               lambda: {"name": unique("sec"), "value": "hunter2-secret"}),
    "file": (_named(File), lambda: {"name": unique("file"), "code": "{}"}),
    "flow": (_named(Flow), lambda: {"name": unique("flow"), "processors": [make_processor().name]}),
    "version": (lambda: Version.objects.create(name="v1", flow=_named(Flow)(), number=1, document={}),
                lambda: {"flow": _named(Flow)().name, "document": {"nodes": [], "edges": []}}),
    "call": (make_call, dict),
    "event": (lambda: Event.objects.create(name="received", call=make_call()), dict),
    "metric": (lambda: MetricSample.objects.create(processor=make_processor(), name="t", value=1), dict),
}


def _plug():
    from tests.factories import make_plug

    return make_plug(make_socket(), make_socket())


def _plug_body() -> dict:
    return {"name": unique("plug"), "source": make_socket().name, "target": make_socket().name,
            "queue": make_queue().name}


# --- extra actions: (object, URL kwargs, body) for the ones that need more than the object --

def _user_with(model, **kw):
    user = make_user()
    model.objects.create(user=user, **kw)
    return user


def _queue_privilege() -> Privilege:
    return privilege("ADD_QUEUE")


def _role_member():
    user, role = make_user(), Role.objects.create(name=unique("role"))
    user.roles.add(role)
    return user, {"role": role.name}


def _role_with_privilege():
    role = Role.objects.create(name=unique("role"))
    RolePrivilege.objects.create(role=role, privilege=_queue_privilege())
    return role, {"right": "ADD_QUEUE"}


EXTRA: dict[tuple[str, str], Callable[[], tuple[Any, dict, dict]]] = {
    ("user", "set_password"): lambda: (make_user(), {}, {"password": "another long password"}),
    ("user", "deactivate"): lambda: (make_user(), {}, {}),
    ("user", "rights_explained"): lambda: (make_user("ADD_QUEUE"), {}, {}),
    ("user", "privilege_grant"): lambda: (make_user(), {}, {"right": "ADD_QUEUE"}),
    ("user", "privilege_remove"): lambda: (
        _user_with(UserPrivilege, privilege=_queue_privilege()), {"right": "ADD_QUEUE"}, {}),
    ("user", "privilege_revoke"): lambda: (make_user(), {}, {"right": "ADD_QUEUE"}),
    ("user", "privilege_unrevoke"): lambda: (
        _user_with(RevokedPrivilege, privilege=_queue_privilege()), {"right": "ADD_QUEUE"}, {}),
    ("user", "role_add"): lambda: (make_user(), {}, {"role": Role.objects.create(name=unique("r")).name}),
    ("user", "role_remove"): lambda: (*_role_member(), {}),
    ("role", "privilege_grant"): lambda: (Role.objects.create(name=unique("r")), {}, {"right": "ADD_QUEUE"}),
    ("role", "privilege_remove"): lambda: (*_role_with_privilege(), {}),
    ("user", "rights_grant"): lambda: (make_user(), {}, {"rights": ["ADD_QUEUE"]}),
    ("user", "rights_remove"): lambda: (
        _user_with(UserPrivilege, privilege=_queue_privilege()), {}, {"rights": ["ADD_QUEUE"]}),
    ("user", "rights_revoke"): lambda: (make_user(), {}, {"rights": ["ADD_QUEUE"]}),
    ("user", "rights_unrevoke"): lambda: (
        _user_with(RevokedPrivilege, privilege=_queue_privilege()), {}, {"rights": ["ADD_QUEUE"]}),
    ("role", "rights_grant"): lambda: (Role.objects.create(name=unique("r")), {}, {"rights": ["ADD_QUEUE"]}),
    ("role", "rights_remove"): lambda: (_role_with_privilege()[0], {}, {"rights": ["ADD_QUEUE"]}),
}


def _processor_only():
    return make_processor(), {}, {}


for _verb in ("start", "stop", "pause", "resume", "restart"):
    EXTRA[("processor", _verb)] = _processor_only
EXTRA[("processor", "secret")] = lambda: (
    make_processor(), {}, {"secret": ProcessorSecret.objects.create(name=unique("sec"), ciphertext="x").name})

# Endpoints whose success needs more than the database (a broker, a git server): the matrix
# checks the permission only, with input the endpoint refuses (4xx, not 401/403) once the
# right lets it through.
PERMISSION_ONLY = {
    ("run", "create"), ("processor", "mount"), ("socket", "run"), ("call", "cancel"),
}


def _detail(url_name: str, obj, body: dict | None = None) -> Call:
    return Call(reverse(url_name, kwargs={"id": obj.pk}), body or {})


CUSTOM: dict[tuple[str, str], Callable[[], Call]] = {
    ("run", "create"): lambda: Call(reverse("run-list"), {"workflow": {}}),
    ("run", "retrieve"): lambda: Call(reverse("run-detail", kwargs={"run": make_call().tracking})),
    # A file:// repository is not trusted by default: the mount is refused with a 400.
    ("processor", "mount"): lambda: _detail("processor-mount", make_processor()),
    ("socket", "run"): lambda: _detail("socket-run", make_socket(), {"args": "not a list"}),
    # A finished call cannot be cancelled: 409.
    ("call", "cancel"): lambda: _detail("call-cancel", make_call(state="finished")),
    ("task", "code"): lambda: _detail("task-code", make_task()),
    # An empty document deploys nothing, successfully.
    ("flow", "deploy"): lambda: _detail(
        "flow-deploy", Version.objects.create(name="v1", flow=_named(Flow)(), number=1, document={}).flow,
        {"version": 1}),
    ("call", "tree"): lambda: _detail("call-tree", make_call()),
    ("call", "graph"): lambda: _detail("call-graph", make_call()),
    ("call", "upstream"): lambda: _detail("call-upstream", make_call()),
    ("call", "downstream"): lambda: _detail("call-downstream", make_call()),
    ("privilege", "catalog"): lambda: Call(reverse("privilege-catalog")),
    ("socket", "schedule_preview"): lambda: Call(reverse("socket-schedule-preview"),
                                                 {"schedule_type": "INTERVAL", "interval": 60}),
    ("socket", "schedule_runs"): lambda: _detail("socket-schedule-runs", make_socket()),
}
NOT_IN_MATRIX = {"auth"}  # PUBLIC / AUTHENTICATED: tests/api/test_auth.py


def has_recipe(endpoint: Endpoint) -> bool:
    if (endpoint.basename, endpoint.action) in CUSTOM:
        return True
    if endpoint.action in STANDARD:
        return endpoint.basename in OBJECTS
    return (endpoint.basename, endpoint.action) in EXTRA


def prepare(endpoint: Endpoint) -> Call:
    """Build what a successful call of ``endpoint`` needs; return its URL and body."""
    if (endpoint.basename, endpoint.action) in CUSTOM:
        return CUSTOM[(endpoint.basename, endpoint.action)]()
    if endpoint.action not in STANDARD:
        obj, kwargs, body = EXTRA[(endpoint.basename, endpoint.action)]()
        return Call(reverse(endpoint.url_name, kwargs={"id": obj.pk, **kwargs}), body)
    make, body = OBJECTS[endpoint.basename]
    if not endpoint.detail:
        return Call(reverse(endpoint.url_name), body() if endpoint.action == "create" else {})
    obj = make()
    payload = body() if endpoint.action in ("update", "partial_update") else {}
    return Call(reverse(endpoint.url_name, kwargs={"id": obj.pk}), payload)
