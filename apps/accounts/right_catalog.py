"""What each right lets its holder do, grouped by the object it acts on: the admin pages'
rights list, the API's ``GET /api/privileges/catalog/`` and ``flow user rights``.

A right of the five standard verbs (``LS_``, ``READ_``, ``ADD_``, ``UPDATE_``, ``DELETE_``)
gets a description generated from its verb and object; the others are written out below.
Rights the specification lists but nothing checks yet say so, so that an admin granting
them knows they give nothing today.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from apps.accounts.rights import ALL_RIGHTS

NOT_CHECKED = "From the specification; nothing checks it yet."


@dataclass(frozen=True)
class Noun:
    label: str  # the group's heading
    plural: str  # as it reads in a sentence


# In the order the groups are shown: the objects a newcomer meets first come first.
OBJECTS: dict[str, Noun] = {
    "GENERAL": Noun("General", "everything"),
    "PROCESSOR": Noun("Processor", "processors"),
    "SOCKET": Noun("Socket", "sockets"),
    "PLUG": Noun("Plug (wire)", "plugs"),
    "TASK": Noun("Task (function)", "tasks"),
    "ARGUMENT": Noun("Argument", "function arguments"),
    "GATE": Noun("Gate", "gates"),
    "FLOW": Noun("Flow", "flows"),
    "VERSION": Noun("Flow version", "flow versions"),
    "FILE": Noun("File", "files"),
    "CALL": Noun("Call", "calls"),
    "EVENT": Noun("Call event", "call events"),
    "METRIC": Noun("Metric sample", "metric samples"),
    "QUEUE": Noun("Queue", "queues"),
    "QUEUELOG": Noun("Queue sample", "the queue monitor's samples"),
    "NETWORK": Noun("Network", "networks"),
    "NODE": Noun("Node", "nodes"),
    "AGENT": Noun("Agent", "agents"),
    "WORKER": Noun("Worker", "workers"),
    "DEPLOYMENT": Noun("Deployment", "deployments (a processor's share of a node)"),
    "SCHEDULER": Noun("Scheduler", "schedulers"),
    "REPOSITORY": Noun("Trusted repository", "trusted-repository rules"),
    "SECRET": Noun("Processor secret", "processor secrets"),
    "USER": Noun("User", "users"),
    "ROLE": Noun("Role", "roles"),
    "PRIVILEGE": Noun("Privilege", "privileges"),
    "LOG": Noun("Audit log", "audit log entries"),
    "SETTING": Noun("Setting", "platform settings"),
    "WORK": Noun("Work", "works"),
    "CONTAINER": Noun("Container", "containers"),
    "ACTION": Noun("Action", "actions"),
    "PLATFORM": Noun("Platform", "the platform"),
}
_PLURAL_KEYS = {
    "PROCESSORS": "PROCESSOR", "SOCKETS": "SOCKET", "PLUGS": "PLUG", "TASKS": "TASK", "ARGUMENTS": "ARGUMENT",
    "GATES": "GATE", "FLOWS": "FLOW", "VERSIONS": "VERSION", "FILES": "FILE", "CALLS": "CALL", "EVENTS": "EVENT",
    "METRICS": "METRIC", "QUEUES": "QUEUE", "QUEUELOGS": "QUEUELOG", "NETWORKS": "NETWORK", "NODES": "NODE",
    "AGENTS": "AGENT", "WORKERS": "WORKER", "DEPLOYMENTS": "DEPLOYMENT", "SCHEDULERS": "SCHEDULER",
    "REPOSITORIES": "REPOSITORY", "SECRETS": "SECRET", "USERS": "USER", "ROLES": "ROLE",
    "PRIVILEGES": "PRIVILEGE", "LOGS": "LOG", "SETTINGS": "SETTING", "WORKS": "WORK", "CONTAINERS": "CONTAINER",
    "ACTIONS": "ACTION",
}
_VERBS = {
    "LS": "List {plural}.",
    "READ": "See the details of {plural}.",
    "ADD": "Create {plural}.",
    "UPDATE": "Change {plural}.",
    "DELETE": "Delete {plural}.",
}
# right -> (object, description), for the rights a verb and an object do not explain.
WRITTEN: dict[str, tuple[str, str]] = {
    "ALL": ("GENERAL", "Every right, including those added later. Only someone holding every right may grant it."),
    "CREATE": ("GENERAL", NOT_CHECKED + " The per-object ADD_ rights are checked instead."),
    "READ": ("GENERAL", NOT_CHECKED + " The per-object READ_ rights are checked instead."),
    "UPDATE": ("GENERAL", NOT_CHECKED + " The per-object UPDATE_ rights are checked instead."),
    "DELETE": ("GENERAL", NOT_CHECKED + " The per-object DELETE_ rights are checked instead."),
    "LISTEN": ("GENERAL", NOT_CHECKED + " Live topics need the right to read what they show."),
    "DB_DROP": ("PLATFORM", NOT_CHECKED + " flow db runs on the server, outside the API."),
    "DB_INIT": ("PLATFORM", NOT_CHECKED + " flow db runs on the server, outside the API."),
    "START_AGENT": ("AGENT", NOT_CHECKED + " An agent is started on its own machine (flow agent start)."),
    "RUN_TASK": ("TASK", "Run a socket's function: the Run buttons, flow task run, the client API."),
    "CANCEL_TASK": ("CALL", "Cancel a queued or running call."),
    "START_PROCESSOR": ("PROCESSOR", "Start or restart a processor's workers."),
    "STOP_PROCESSOR": ("PROCESSOR", "Stop a processor's workers."),
    "PAUSE_PROCESSOR": ("PROCESSOR", "Pause a processor: its calls wait on their queues."),
    "RESUME_PROCESSOR": ("PROCESSOR", "Resume a paused processor."),
    "LOCK_PROCESSOR": ("PROCESSOR", NOT_CHECKED),
    "UNLOCK_PROCESSOR": ("PROCESSOR", NOT_CHECKED),
    "VIEW_PROCESSOR": ("PROCESSOR", NOT_CHECKED + " READ_PROCESSOR opens a processor."),
    "VIEW_PROCESSOR_CONFIG": ("PROCESSOR", NOT_CHECKED + " READ_PROCESSOR shows its settings."),
    "EDIT_PROCESSOR_CONFIG": ("PROCESSOR", NOT_CHECKED + " UPDATE_PROCESSOR changes its settings."),
    "EDIT_PROCESSOR_CODE": ("PROCESSOR", NOT_CHECKED + " UPDATE_PROCESSOR changes its repository."),
    "VIEW_PROCESSOR_CODE": ("PROCESSOR", "Read the source code of a processor's functions."),
    "MOUNT_PROCESSOR": ("PROCESSOR", "Mount a processor: clone its repository, build its environment, "
                                     "read its functions."),
    "ATTACH_SECRET": ("SECRET", "Give a processor a secret, or change the code of a processor that holds one."),
    "DEPLOY_FLOW": ("FLOW", "Deploy a version of a flow onto the network (creates its sockets and plugs)."),
    "LS_USER": ("USER", NOT_CHECKED + " LS_USERS lists users."),
    "READ_LOG": ("LOG", "Read an entry of the audit log."),
    "READ_QUEUELOG": ("QUEUELOG", "See one of the queue monitor's samples."),
    "READ_METRIC": ("METRIC", "See one metric sample."),
    "ADD_PRIVILEGE": ("PRIVILEGE", "Grant rights to users and roles (only rights the granter holds)."),
    "DELETE_PRIVILEGE": ("PRIVILEGE", "Remove rights granted to users and roles (only rights the remover holds)."),
    "UPDATE_PRIVILEGE": ("PRIVILEGE", "Revoke a right from a user, or lift a revocation (only rights the "
                                      "actor holds)."),
    "ADD_CALL": ("CALL", NOT_CHECKED + " A call is made by running a socket (RUN_TASK)."),
    "UPDATE_CALL": ("CALL", NOT_CHECKED + " Calls change only by running."),
    "ADD_EVENT": ("EVENT", NOT_CHECKED + " The platform records call events."),
    "UPDATE_EVENT": ("EVENT", NOT_CHECKED + " Call events are never changed."),
    "DELETE_EVENT": ("EVENT", NOT_CHECKED + " Call events go with their call."),
    "UPDATE_VERSION": ("VERSION", NOT_CHECKED + " A saved version never changes."),
    "DELETE_VERSION": ("VERSION", NOT_CHECKED + " A flow's versions go with the flow."),
}


@dataclass(frozen=True)
class RightInfo:
    right: str
    object: str  # a key of OBJECTS
    description: str


@dataclass(frozen=True)
class RightGroup:
    key: str
    label: str
    rights: tuple[RightInfo, ...]


def right_info(right: str) -> RightInfo:
    """The object and description of one right (KeyError for a name that is not a right)."""
    if right not in _KNOWN:
        raise KeyError(right)
    if right in WRITTEN:
        key, description = WRITTEN[right]
        return RightInfo(right=right, object=key, description=description)
    verb, _, noun = right.partition("_")
    key = _PLURAL_KEYS.get(noun, noun) if verb == "LS" else noun
    return RightInfo(right=right, object=key, description=_VERBS[verb].format(plural=OBJECTS[key].plural))


@cache
def right_catalog() -> tuple[RightGroup, ...]:
    """Every right, grouped by object in the order of OBJECTS, each group's rights by name."""
    infos = [right_info(right) for right in ALL_RIGHTS]
    return tuple(
        RightGroup(key=key, label=noun.label,
                   rights=tuple(sorted((i for i in infos if i.object == key), key=lambda i: i.right)))
        for key, noun in OBJECTS.items() if any(i.object == key for i in infos)
    )


_KNOWN = frozenset(ALL_RIGHTS)
