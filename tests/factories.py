"""Build one valid instance of every meta-model object, for tests that walk all models."""

from __future__ import annotations

import itertools
import uuid

from apps.accounts.models import (
    ApiToken,
    Privilege,
    RevokedPrivilege,
    Role,
    RolePrivilege,
    User,
    UserPrivilege,
    UserRole,
    token_digest,
)
from apps.calls.models import Call, Event, Gather, Join, MetricSample
from apps.core.models import Log, Setting
from apps.engine.queues import socket_queue_name
from apps.flows.models import File, Flow, Version
from apps.network.models import (
    Action,
    Agent,
    Container,
    Deployment,
    Network,
    Node,
    Queue,
    QueueLog,
    Scheduler,
    Worker,
)
from apps.processors.models import (
    Argument,
    Gate,
    Plug,
    Processor,
    ProcessorSecret,
    Socket,
    Task,
    TrustedRepository,
    Work,
)

_seq = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_seq)}-{uuid.uuid4().hex[:6]}"


def make_queue(**kw) -> Queue:
    return Queue.objects.create(name=kw.pop("name", unique("queue")), **kw)


def make_processor(**kw) -> Processor:
    defaults = {"name": unique("proc"), "module": "elasticcode_examples.sample", "gitrepo": "file:///tmp/repo"}
    defaults.update(kw)
    return Processor.objects.create(**defaults)


def make_task(processor: Processor | None = None, **kw) -> Task:
    processor = processor or make_processor()
    return Task.objects.create(
        name=kw.pop("name", "do_something"), processor=processor, module=processor.module, **kw
    )


def make_socket(processor: Processor | None = None, **kw) -> Socket:
    processor = processor or make_processor()
    task = kw.pop("task", None) or make_task(processor, name=unique("fn"))
    queue = kw.pop("queue", None) or make_queue()
    return Socket.objects.create(name=kw.pop("name", unique("socket")), processor=processor, task=task, queue=queue,
                                 **kw)


def make_plug(source: Socket, target: Socket, **kw) -> Plug:
    return Plug.objects.create(
        name=kw.pop("name", unique("plug")), processor=source.processor, source=source,
        target=target, queue=kw.pop("queue", None) or make_queue(), **kw,
    )


def make_call(socket: Socket | None = None, **kw) -> Call:
    """A call of ``socket``, recorded as sent on its socket's queue unless ``queue`` says."""
    socket = socket or make_socket()
    kw.setdefault("queue", socket_queue_name(socket=socket))
    return Call.objects.create(name=socket.name, socket=socket, task=socket.task, **kw)


def make_all() -> dict[type, object]:
    """One saved instance of every model, keyed by model class."""
    user = User.objects.create_user(username=unique("user"), password="x" * 12)
    network = Network.objects.create(name=unique("net"))
    scheduler = Scheduler.objects.create(name=unique("sched"), network=network)
    node = Node.objects.create(name=unique("node"), hostname=unique("host"), network=network, scheduler=scheduler)
    agent = Agent.objects.create(name=unique("agent"), node=node, hostname=node.hostname)
    processor = make_processor(network=network)
    deployment = Deployment.objects.create(name="d", hostname=node.hostname, processor=processor, node=node)
    source, target = make_socket(processor), make_socket(processor)
    argument = Argument.objects.create(name="one", task=target.task)
    plug = make_plug(source, target, argument=argument)
    call = make_call(source)
    flow_file = File.objects.create(name=unique("file"))
    flow = Flow.objects.create(name=unique("flow"), file=flow_file)
    raw = ApiToken.generate()
    role = Role.objects.create(name=unique("role"))
    privilege = Privilege.objects.get(right="ADD_PROCESSOR")
    instances = [
        UserRole.objects.create(user=user, role=role),
        UserPrivilege.objects.create(user=user, privilege=privilege),
        RevokedPrivilege.objects.create(user=user, privilege=Privilege.objects.get(right="ADD_QUEUE")),
        RolePrivilege.objects.create(role=role, privilege=privilege),
        user, network, scheduler, node, agent, processor, deployment, source, target, argument, plug,
        call, flow_file, flow,
        privilege,
        role,
        ApiToken.objects.create(user=user, digest=token_digest(raw), prefix=raw[:8]),
        Worker.objects.create(name=unique("worker"), processor=processor, deployment=deployment, agent=agent),
        Queue.objects.get(pk=source.queue_id),
        QueueLog.objects.create(queue=source.queue),
        Action.objects.create(name=unique("action"), target="host"),
        Container.objects.create(name=unique("container"), container_id=unique("cid")),
        Task.objects.get(pk=source.task_id),
        Gate.objects.create(name=unique("gate"), task=source.task),
        Work.objects.create(name=unique("work"), task=source.task),
        ProcessorSecret.objects.create(name=unique("secret"), ciphertext="x"),
        TrustedRepository.objects.create(name=unique("trust"), pattern="file://*"),
        Version.objects.create(name="v1", flow=flow, number=1, document={"nodes": [], "edges": []}),
        Event.objects.create(name="received", call=call),
        Join.objects.create(tracking=call.tracking, target=target, expires=call.created),
        Gather.objects.create(call=make_call(target, state="waiting"), template=[str(call.pk)], missing=1),
        MetricSample.objects.create(processor=processor, name="temperature", value=3),
        Log.objects.create(oid=str(user.pk), discriminator="User", text="created", source="test"),
        Setting.objects.create(name=unique("setting"), value="1"),
    ]
    return {type(instance): instance for instance in instances}
