"""Give each flow's socket a queue of its own, named from the flow and the socket (issue 17).

Before, a deploy named a socket's queue after the socket and adopted any queue of that name,
so a queue made by hand (or another socket put on it) shared the flow's broker queue. Now
every socket a flow owns gets the queue ``<socket>@<the first 8 characters of the flow's id>``
(apps.flows.deploy.flow_queue_name), owned by the flow, with its old queue's settings. The
plugs that rode the socket's old queue into it move with it. Its calls not yet ended are
recorded on the new broker queue: workers consume that one from their next start, and the
queue monitor's sweeper sends again, there, the queued calls whose message waits on the old
one (Call.generation drops the old message if it is ever taken). An old queue nothing uses
any more is deleted. Sockets made outside any flow keep their queues, and so does a socket
whose name leaves no room for the suffix.
"""

from django.db import migrations

SETTINGS = ("qtype", "durable", "reliable", "auto_delete", "max_length", "max_length_bytes", "message_ttl",
            "expires", "network_id", "owner_id")
OPEN = ("queued", "received", "running", "retry")
# A queue name has 200 characters; a longer socket name keeps its old queue.
NAME_ROOM = 200 - len("@12345678-99")


def _own_queue(Queue, socket):
    """The flow's queue for ``socket``: made with its old queue's settings, or the one an
    earlier socket of the same name left; another name when that one was made by hand."""
    base = f"{socket.name}@{socket.flow_key[:8]}"
    for name in (base, *(f"{base}-{n}" for n in range(2, 100))):
        queue = Queue.objects.filter(name=name).first()
        if queue is None:
            return Queue.objects.create(name=name, flow_key=socket.flow_key,
                                        **{field: getattr(socket.queue, field) for field in SETTINGS})
        if queue.flow_key == socket.flow_key:
            return queue
    return None


def sockets_own_queues(apps, schema_editor) -> None:
    Queue, Socket, Plug, Call = (apps.get_model("network", "Queue"), apps.get_model("processors", "Socket"),
                                 apps.get_model("processors", "Plug"), apps.get_model("calls", "Call"))
    sockets = Socket.objects.exclude(flow_key="").select_related("queue", "processor")
    for socket in sockets:
        old = socket.queue
        queue = None if old.flow_key == socket.flow_key or len(socket.name) > NAME_ROOM else _own_queue(Queue, socket)
        if queue is None:
            continue
        Socket.objects.filter(pk=socket.pk).update(queue=queue)
        Plug.objects.filter(target=socket, queue=old).update(queue=queue)
        Call.objects.filter(socket=socket, state__in=OPEN, queue=f"{old.name}.{socket.processor.name}").update(
            queue=f"{queue.name}.{socket.processor.name}")
        if not Socket.objects.filter(queue=old).exists() and not Plug.objects.filter(queue=old).exists():
            old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("flows", "0003_socket_owners"),
        ("network", "0005_queue_flow_key"),
        ("processors", "0006_socket_concurrency"),
        ("calls", "0007_call_generation"),
    ]

    operations = [
        migrations.RunPython(sockets_own_queues, migrations.RunPython.noop),
    ]
