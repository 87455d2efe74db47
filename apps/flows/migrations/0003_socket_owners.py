"""Give the sockets and plugs deployed before flows owned them (issue 17) their flow.

A socket goes to the flow whose deployed version names it (a node that is not shared); when
several do, to the one that named it first (its oldest version naming it was saved first):
the others get a clear error at their next deploy instead of sharing it. Its flow version is
that flow's deployed one. A plug ``<flow>:<edge id>`` goes to the flow of that name whose
deployed version has the edge (else to the longest flow name it starts with). Whatever no
flow names stays as made outside any flow.
"""

from django.db import migrations


def _document(version) -> dict:
    return version.document if version is not None and isinstance(version.document, dict) else {}


def _socket_names(document: dict) -> set[str]:
    return {(node.get("data") or {}).get("socketName") for node in document.get("nodes", [])
            if isinstance(node, dict) and node.get("type") == "socket"
            and (node.get("data") or {}).get("shared") is not True} - {None, ""}


def _first_named(Version, flow, name: str):
    """When ``flow`` first saved a version naming the socket ``name``."""
    for version in Version.objects.filter(flow=flow).order_by("created", "number"):
        if name in _socket_names(_document(version)):
            return version.created
    return flow.created


def _socket_owners(apps) -> None:
    Flow, Version, Socket = (apps.get_model("flows", "Flow"), apps.get_model("flows", "Version"),
                             apps.get_model("processors", "Socket"))
    deployed = list(Flow.objects.exclude(deployed_version=None).select_related("deployed_version"))
    named = {flow.pk: _socket_names(_document(flow.deployed_version)) for flow in deployed}
    for socket in Socket.objects.filter(flow_key=""):
        candidates = [flow for flow in deployed if socket.name in named[flow.pk]]
        if not candidates:
            continue
        owner = min(candidates, key=lambda flow: (_first_named(Version, flow, socket.name), flow.created))
        socket.flow_key, socket.flow_version = str(owner.pk), owner.deployed_version_id
        socket.save(update_fields=["flow_key", "flow_version"])


def _plug_owners(apps) -> None:
    Flow, Plug = apps.get_model("flows", "Flow"), apps.get_model("processors", "Plug")
    flows = list(Flow.objects.select_related("deployed_version"))
    edges = {flow.pk: {edge.get("id") for edge in _document(flow.deployed_version).get("edges", [])
                       if isinstance(edge, dict)} for flow in flows}
    for plug in Plug.objects.filter(flow_key=""):
        prefixed = [flow for flow in flows if plug.name.startswith(f"{flow.name}:")]
        if not prefixed:
            continue
        owner = max(prefixed, key=lambda flow: (plug.name[len(flow.name) + 1:] in edges[flow.pk], len(flow.name)))
        plug.flow_key = str(owner.pk)
        plug.save(update_fields=["flow_key"])


def owners_assign(apps, schema_editor) -> None:
    _socket_owners(apps)
    _plug_owners(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("flows", "0002_initial"),
        ("processors", "0005_flow_ownership"),
    ]

    operations = [
        migrations.RunPython(owners_assign, migrations.RunPython.noop),
    ]
