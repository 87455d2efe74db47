"""``flow network list|show|add|remove`` and ``flow node list|show|add|remove|agent|health``:
the specification's network and node groups, over the same REST endpoints (and rights) as
``flow ls networks`` and ``flow add node``. ``flow node health`` reads each node's agent,
heartbeat age, up/down, cpus and workers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from apps.cli.context import Session, pass_session
from apps.cli.kinds import BY_NAME
from apps.cli.objects import make_add, make_delete, make_list, make_show
from apps.cli.render import echo_json, echo_table
from apps.client.http import ApiClient

HEALTH_HEADERS = ["Node", "Hostname", "State", "Heartbeat Age", "CPUs", "CPU Load", "Agent", "Agent State",
                  "Workers"]


def _renamed(command: click.Command, name: str) -> click.Command:
    command.name = name
    return command


def _group(name: str, help: str) -> click.Group:
    kind = BY_NAME[name]
    group = click.Group(name, help=help)
    for verb, factory in (("list", make_list), ("show", make_show), ("add", make_add), ("remove", make_delete)):
        group.add_command(_renamed(factory(kind), verb))
    return group


network = _group("network", "Network operations")
node = _group("node", "Node management operations")


def heartbeat_age(heartbeat: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds since an ISO heartbeat (None: never heard from)."""
    if not heartbeat:
        return None
    moment = datetime.fromisoformat(heartbeat)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(((now or datetime.now(UTC)) - moment).total_seconds(), 0.0)


def node_health(client: ApiClient, node: dict[str, Any]) -> dict[str, Any]:
    """A node's health as the API reports it: its state (the server marks a node down once
    its agent misses heartbeats), heartbeat age, cpus, its agent and the workers on it."""
    agents = list(client.list_all("agents/", {"node": node["name"]}))
    workers = list(client.list_all("workers/", {"hostname": node["hostname"]}))
    agent = agents[0] if agents else None
    return {
        "node": node["name"], "hostname": node["hostname"], "state": node.get("status") or "unknown",
        "heartbeat_age": heartbeat_age(node.get("heartbeat")), "cpus": node.get("cpus"),
        "cpuload": node.get("cpuload"), "agent": agent["name"] if agent else None,
        "agent_state": agent.get("status") if agent else None,
        "workers": [{"name": w["name"], "processor": w.get("processor"), "status": w.get("status"),
                     "concurrency": w.get("concurrency")} for w in workers],
    }


def _health_row(health: dict[str, Any]) -> list[Any]:
    age = health["heartbeat_age"]
    running = [w for w in health["workers"] if w["status"] not in ("stopped", "removed")]
    return [
        health["node"], health["hostname"], health["state"], "never" if age is None else f"{age:.1f} s",
        health["cpus"], health["cpuload"], health["agent"] or "(no agent)", health["agent_state"] or "-",
        f"{len(running)} running of {len(health['workers'])}",
    ]


@node.command("health")
@click.option("-n", "--name", help="Only this node")
@pass_session
def health(session: Session, name: str | None) -> None:
    """Each node's state (up/down), heartbeat age, cpus, agent and workers."""
    client = session.client()
    nodes = [session.lookup("nodes", name=name)] if name else list(client.list_all("nodes/"))
    report = [node_health(client, each) for each in nodes]
    if session.json_output:
        echo_json(report)
        return
    echo_table(HEALTH_HEADERS, [_health_row(each) for each in report])
    for each in report:
        if each["workers"]:
            rows = [[w["name"], w["processor"], w["status"], w["concurrency"]] for w in each["workers"]]
            echo_table(["Worker", "Processor", "Status", "Concurrency"], rows, title=f"Workers on {each['node']}")


@node.command("agent")
@click.option("-n", "--name", required=True, help="Node name")
@pass_session
def agent(session: Session, name: str) -> None:
    """The agent serving a node: hostname, cpus, pid, port, state and heartbeat."""
    target = session.lookup("nodes", name=name)
    agents = list(session.client().list_all("agents/", {"node": target["name"]}))
    if session.json_output:
        echo_json(agents[0] if agents else None)
        return
    if not agents:
        click.echo(f'Node "{target["name"]}" has no agent: start one there with `flow agent start -n '
                   f'{target["hostname"]}`')
        return
    found = agents[0]
    echo_table(["Agent", "Hostname", "CPUs", "PID", "Port", "State", "Heartbeat", "Monitor Only"],
               [[found["name"], found.get("hostname"), found.get("cpus"), found.get("pid"), found.get("port"),
                 found.get("status"), found.get("heartbeat"), found.get("monitor_only")]])
