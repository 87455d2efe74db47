"""Writes on flows and their versions. A version is numbered per flow and never changed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from apps.core.services import object_create, object_delete, object_update
from apps.flows.models import Flow, Version
from apps.network.services import queues_flow_release
from apps.processors.services import sockets_flow_release


def flow_create(*, by, fields: dict[str, Any]) -> Flow:
    fields = dict(fields)
    processors = fields.pop("processors", None)
    with transaction.atomic():
        flow = object_create(model=Flow, by=by, fields=fields, audit=True)
        if processors is not None:
            flow.processors.set(processors)
    return flow


def flow_update(*, flow: Flow, by, fields: dict[str, Any]) -> Flow:
    fields = dict(fields)
    processors = fields.pop("processors", None)
    with transaction.atomic():
        flow = object_update(instance=flow, by=by, fields=fields, audit=True)
        if processors is not None:
            flow.processors.set(processors)
    return flow


def flow_delete(*, flow: Flow, by) -> None:
    """Delete the flow and its versions; the sockets, plugs and queues it deployed stay on
    the network, as if made outside any flow."""
    with transaction.atomic():
        sockets_flow_release(flow_key=str(flow.pk))
        queues_flow_release(flow_key=str(flow.pk))
        object_delete(instance=flow, by=by, audit=True)


def version_create(*, by, fields: dict[str, Any]) -> Version:
    """The flow's next version (1, 2, ...), authored by ``by``; named v<number> by default."""
    fields = dict(fields)
    with transaction.atomic():
        # Lock the flow so two saves at once cannot take the same number.
        flow = Flow.objects.select_for_update().get(pk=fields["flow"].pk)
        last = flow.versions.aggregate(last=Max("number"))["last"] or 0
        fields.update(flow=flow, number=last + 1)
        fields["name"] = fields.get("name") or f"v{last + 1}"
        if getattr(by, "is_authenticated", False):
            fields["author"] = by
        return object_create(model=Version, by=by, fields=fields, audit=True)
