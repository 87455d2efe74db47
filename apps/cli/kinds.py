"""The object kinds the generic commands handle: API path, option letters, table columns.

Option letters follow the specification (``flow add processor -g -m -h -c -br -rq``;
``flow add socket -q -pn -t``; ``flow add plug -s -t -q -a``). ``-c`` is concurrency for
processors, as in "Creating Your First Flow"; the commit is ``--commit``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import click

ALL_VERBS = frozenset({"add", "update", "delete", "list", "show"})
READ_ONLY = frozenset({"list", "show"})


class JsonParam(click.ParamType):
    """A JSON value (parsed with json.loads; never evaluated)."""

    name = "json"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError as exc:
            self.fail(f"not valid JSON: {exc}", param, ctx)


JSON = JsonParam()


@dataclass(frozen=True)
class Field:
    """One writable API field and the option that sets it."""

    key: str
    decls: tuple[str, ...]
    help: str = ""
    type: Any = str
    required: bool = False
    default: Any = None
    secret: bool = False

    def option(self, *, for_add: bool) -> click.Option:
        is_flag_pair = self.type is bool
        return click.Option(
            [*self.decls, self.key],
            help=self.help,
            type=None if is_flag_pair else self.type,
            required=for_add and self.required and not self.secret,
            default=self.default if for_add else None,
            show_default=for_add and self.default is not None,
            prompt=f"{self.key.capitalize()}" if (for_add and self.secret) else False,
            hide_input=self.secret,
        )


@dataclass(frozen=True)
class Column:
    header: str
    key: str


@dataclass(frozen=True)
class Kind:
    name: str
    path: str
    fields: tuple[Field, ...] = ()
    extra_columns: tuple[Column, ...] = ()
    verbs: frozenset[str] = ALL_VERBS
    name_key: str = "name"
    columns_override: tuple[Column, ...] = ()

    @property
    def title(self) -> str:
        return self.name.capitalize()

    @property
    def a(self) -> str:
        """The name with its article: "a queue", "an agent"."""
        return f"{'an' if self.name[0] in 'aeiou' else 'a'} {self.name}"

    @property
    def columns(self) -> tuple[Column, ...]:
        if self.columns_override:
            return self.columns_override
        base = (Column("Name", self.name_key), Column("ID", "id"), Column("Owner", "owner"))
        return base + self.extra_columns + (Column("Last Updated", "lastupdated"),)


def _f(key: str, *decls: str, **options: Any) -> Field:
    return Field(key=key, decls=decls, **options)


def _c(header: str, key: str) -> Column:
    return Column(header, key)


STATUS = _c("Status", "status")
NETWORK = _f("network", "--network", help="Network name")

KINDS: tuple[Kind, ...] = (
    Kind("network", "networks", extra_columns=(STATUS,)),
    Kind("node", "nodes", fields=(
        _f("hostname", "-h", "--hostname", help="Host name", required=True),
        NETWORK, _f("scheduler", "--scheduler", help="Scheduler name"),
    ), extra_columns=(_c("Hostname", "hostname"), _c("Network", "network"), _c("CPUs", "cpus"), STATUS)),
    Kind("agent", "agents", fields=(
        _f("hostname", "-h", "--hostname", help="Host name", required=True),
        _f("node", "--node", help="Node name", required=True),
        _f("cpus", "-cp", "--cpus", type=int, help="Number of CPUs"),
        _f("port", "-p", "--port", type=int, help="Health check port"),
    ), extra_columns=(_c("Hostname", "hostname"), _c("CPUs", "cpus"), STATUS, _c("Heartbeat", "heartbeat"))),
    Kind("worker", "workers", fields=(
        _f("processor", "-pn", "--processor", help="Processor name", required=True),
        _f("hostname", "-h", "--hostname", help="Host name"),
        _f("concurrency", "-c", "--concurrency", type=int, help="Worker processes"),
        _f("agent", "--agent", help="Agent name"),
    ), extra_columns=(_c("Processor", "processor"), _c("Hostname", "hostname"), _c("Concurrency", "concurrency"),
                      STATUS)),
    Kind("deployment", "deployments", fields=(
        _f("processor", "-pn", "--processor", help="Processor name", required=True),
        _f("hostname", "-h", "--hostname", help="Host name", required=True),
        _f("cpus", "-cp", "--cpus", type=int, help="CPUs on that host"),
    ), extra_columns=(_c("Processor", "processor"), _c("Hostname", "hostname"), _c("CPUs", "cpus"))),
    Kind("queue", "queues", fields=(
        _f("qtype", "-t", "--type", type=click.Choice(["topic", "direct", "fanout"]), default="direct",
           help="Exchange type"),
        _f("durable", "--durable/--transient", type=bool, help="Survive a broker restart"),
        _f("message_ttl", "--ttl", type=int, help="Message time to live, ms (-1: none)"),
        _f("max_length", "--max-length", type=int, help="Most messages held (-1: unbounded)"),
        _f("expires", "--expires", type=int, help="Delete after unused this long, ms (-1: never)"),
        NETWORK,
    # "flow ls queues" shows the queue monitor's figures instead (apps.cli.queues).
    ), extra_columns=(_c("Type", "qtype"), _c("Durable", "durable")), verbs=ALL_VERBS - {"list"}),
    Kind("scheduler", "schedulers", fields=(
        _f("strategy", "-s", "--strategy", type=click.Choice(["BALANCED", "EFFICIENT"]), default="BALANCED",
           help="Placement strategy"),
        NETWORK,
    ), extra_columns=(_c("Strategy", "strategy"),)),
    Kind("action", "actions", fields=(
        _f("target", "--target", type=click.Choice(["host", "worker", "processor", "queue", "all"]), required=True,
           help="What the action is about"),
        _f("params", "--params", type=JSON, help="Parameters as a JSON object"),
    ), extra_columns=(_c("Target", "target"), STATUS)),
    Kind("container", "containers", fields=(
        _f("container_id", "--container-id", required=True, help="Container id"),
    ), extra_columns=(_c("Container", "container_id"),)),
    Kind("processor", "processors", fields=(
        _f("gitrepo", "-g", "--gitrepo", required=True, help="Git repo URI"),
        _f("module", "-m", "--module", required=True, help="Python module (e.g. some.module.path)"),
        _f("hostname", "-h", "--hostname", help="Pin to the node of this hostname (localhost: this machine's node)"),
        _f("concurrency", "-c", "--concurrency", type=int, help="CPUs (worker processes) to occupy"),
        _f("commit", "--commit", help="Git commit id for processor code"),
        _f("branch", "-br", "--branch", help="Git branch to be used for checkouts"),
        _f("retries", "-r", "--retries", type=int, help="Number of retries to invoke this processor"),
        _f("requirements", "-rq", "--requirements", help="requirements.txt contents or path"),
        _f("modulepath", "-mp", "--modulepath", help="Relative repo path to python module file"),
        _f("endpoint", "-e", "--endpoint", help="API endpoint path"),
        _f("beat", "--beat/--no-beat", type=bool, help="Enable the beat scheduler"),
        _f("description", "-d", "--description", help="What it does"),
        NETWORK,
    ), extra_columns=(_c("Module", "module"), _c("Hostname", "hostname"), _c("Concurrency", "concurrency"),
                      _c("Current", "current_concurrency"), _c("Min", "min_concurrency"), _c("Max", "max_concurrency"),
                      STATUS)),
    Kind("task", "tasks", fields=(
        _f("processor", "-pn", "--processor", required=True, help="Processor name"),
        _f("module", "-m", "--module", help="Python module"),
    ), extra_columns=(_c("Processor", "processor"), _c("Module", "module"))),
    Kind("argument", "arguments", fields=(
        _f("task", "-t", "--task", required=True, help="Task name"),
        _f("position", "-p", "--position", type=int, help="Position in the signature"),
        _f("kind", "-k", "--kind", help="positional_or_keyword, keyword_only, ..."),
    ), extra_columns=(_c("Task", "task"), _c("Position", "position"), _c("Kind", "kind"))),
    Kind("socket", "sockets", fields=(
        _f("queue", "-q", "--queue", required=True, help="Queue name"),
        _f("processor", "-pn", "--processor", required=True, help="Processor name"),
        _f("task", "-t", "--task", required=True, help="Function name in the processor's module"),
        _f("concurrency", "-c", "--concurrency", "--cpus", type=int,
           help="CPUs its calls may occupy (at most its processor's concurrency)"),
        _f("interval", "-i", "--interval", type=int, help="Run every N seconds"),
        _f("cron", "--cron", help="Run on a cron schedule"),
        _f("description", "-d", "--description", help="What it does"),
    ), extra_columns=(_c("Processor", "processor"), _c("Queue", "queue"), _c("Task", "task"))),
    Kind("plug", "plugs", fields=(
        _f("source", "-s", "--source", required=True, help="Source socket name"),
        _f("target", "-t", "--target", required=True, help="Target socket name"),
        _f("queue", "-q", "--queue", required=True, help="Queue name"),
        _f("argument", "-a", "--argument", help="Target argument name"),
        _f("type", "--type", type=click.Choice(["RESULT", "ERROR"]), default="RESULT", help="Carry results or errors"),
        _f("description", "-d", "--description", help="What it carries"),
    ), extra_columns=(_c("Source", "source"), _c("Target", "target"), _c("Queue", "queue"), _c("Type", "type"),
                      _c("Argument", "argument"))),
    Kind("gate", "gates", fields=(
        _f("task", "-t", "--task", help="Task name"),
        _f("open", "--open/--closed", type=bool, help="Let calls through"),
    ), extra_columns=(_c("Task", "task"), _c("Open", "open"))),
    Kind("work", "works", fields=(_f("task", "-t", "--task", help="Task name"),),
         extra_columns=(_c("Task", "task"), _c("Next Run", "next_run_time"))),
    Kind("repository", "repositories", fields=(
        _f("pattern", "-p", "--pattern", required=True, help="Glob over repository URLs, e.g. https://github.com/acme/*"),
        _f("kind", "-k", "--kind", type=click.Choice(["allow", "deny"]), default="allow", help="Allow or deny"),
    ), extra_columns=(_c("Pattern", "pattern"), _c("Kind", "kind"))),
    Kind("secret", "secrets", fields=(
        _f("value", "-v", "--value", required=True, secret=True, help="The secret (prompted, hidden)"),
    )),
    Kind("flow", "flows", fields=(_f("description", "-d", "--description", help="What it does"),),
         extra_columns=(_c("Deployed Version", "deployed_version"),)),
    Kind("version", "versions", verbs=READ_ONLY,
         extra_columns=(_c("Flow", "flow"), _c("Number", "number"), _c("Message", "message"))),
    Kind("file", "files", fields=(
        _f("path", "--path", help="Folder path"), _f("filename", "--filename", help="File name"),
        _f("collection", "--collection", help="Collection"), _f("type", "--type", help="File type"),
    ), extra_columns=(_c("Path", "path"), _c("Type", "type"))),
    Kind("event", "events", verbs=READ_ONLY, extra_columns=(_c("Call", "call"), _c("Note", "note"))),
    Kind("log", "logs", verbs=READ_ONLY, columns_override=(
        _c("Created", "created"), _c("User", "user"), _c("Type", "discriminator"),
        _c("Object", "oid"), _c("Text", "text"),
    )),
    Kind("setting", "settings", fields=(_f("value", "-v", "--value", required=True, help="Value"),),
         extra_columns=(_c("Value", "value"),)),
    Kind("user", "users", verbs=frozenset({"update", "delete", "list"}), name_key="username", fields=(
        _f("email", "-e", "--email", help="E-mail address"),
        _f("first_name", "--first-name", help="First name"),
        _f("last_name", "--last-name", help="Last name"),
    ), columns_override=(_c("Name", "username"), _c("ID", "id"), _c("Owner", "owner"), _c("Email", "email"))),
    Kind("role", "roles", verbs=frozenset({"delete", "list", "show"})),
    Kind("privilege", "privileges", verbs=READ_ONLY,
         columns_override=(_c("Name", "name"), _c("Right", "right"), _c("ID", "id"))),
)

BY_NAME = {kind.name: kind for kind in KINDS}
