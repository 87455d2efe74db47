from django.contrib import admin

from apps.core.admin_site import register_base
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

register_base(Network, Scheduler, Node, Agent, Queue, Deployment, Worker, Action, Container)


@admin.register(QueueLog)
class QueueLogAdmin(admin.ModelAdmin):
    list_display = ("name", "queue", "created", "ready", "inflight", "consumers", "state")
