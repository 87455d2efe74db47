"""The rights list: one enum, the only names any code may check.

It is the specification's list with its two defects fixed (``EDIT_PROCESSOR_CODE``
and ``LS_PROCESSORS`` were fused by a missing comma; ``READ_LOG`` and
``UPDATE_PRIVILEGE`` were missing from one of its two copies), extended with the
same five verbs (LS, ADD, UPDATE, DELETE, READ) for the objects the specification
has no rights for yet (networks, flows, calls, ...).
"""

from django.db import models

SPEC_RIGHTS = [
    "ALL", "CREATE", "READ", "UPDATE", "DELETE", "DB_DROP", "DB_INIT", "START_AGENT",
    "RUN_TASK", "CANCEL_TASK", "START_PROCESSOR", "STOP_PROCESSOR", "PAUSE_PROCESSOR",
    "RESUME_PROCESSOR", "LOCK_PROCESSOR", "UNLOCK_PROCESSOR", "VIEW_PROCESSOR",
    "VIEW_PROCESSOR_CONFIG", "VIEW_PROCESSOR_CODE", "EDIT_PROCESSOR_CONFIG",
    "EDIT_PROCESSOR_CODE", "LS_PROCESSORS", "LS_USERS", "LS_USER", "LS_PLUGS", "LS_SOCKETS",
    "LS_QUEUES", "LS_AGENTS", "LS_NODES", "LS_SCHEDULERS", "LS_WORKERS",
    "ADD_PROCESSOR", "ADD_AGENT", "ADD_NODE", "ADD_PLUG", "ADD_PRIVILEGE", "ADD_QUEUE",
    "ADD_ROLE", "ADD_SCHEDULER", "ADD_SOCKET", "ADD_USER",
    "UPDATE_PROCESSOR", "UPDATE_AGENT", "UPDATE_NODE", "UPDATE_PLUG", "UPDATE_PRIVILEGE",
    "UPDATE_QUEUE", "UPDATE_ROLE", "UPDATE_SCHEDULER", "UPDATE_SOCKET", "UPDATE_USER",
    "DELETE_PROCESSOR", "DELETE_AGENT", "DELETE_NODE", "DELETE_PLUG", "DELETE_PRIVILEGE",
    "DELETE_QUEUE", "DELETE_ROLE", "DELETE_SCHEDULER", "DELETE_SOCKET", "DELETE_USER",
    "READ_PROCESSOR", "READ_AGENT", "READ_NODE", "READ_LOG", "READ_PLUG", "READ_PRIVILEGE",
    "READ_QUEUE", "READ_ROLE", "READ_SCHEDULER", "READ_SOCKET", "READ_USER",
]

# Objects the specification names but gives no rights to; they get the same verbs.
EXTRA_OBJECTS = [
    ("NETWORK", "NETWORKS"), ("DEPLOYMENT", "DEPLOYMENTS"), ("WORKER", None),
    ("TASK", "TASKS"), ("ARGUMENT", "ARGUMENTS"), ("GATE", "GATES"), ("FLOW", "FLOWS"),
    ("VERSION", "VERSIONS"), ("FILE", "FILES"), ("CALL", "CALLS"), ("EVENT", "EVENTS"),
    ("WORK", "WORKS"), ("CONTAINER", "CONTAINERS"), ("ACTION", "ACTIONS"),
    ("SETTING", "SETTINGS"), ("REPOSITORY", "REPOSITORIES"), ("SECRET", "SECRETS"),
]
EXTRA_RIGHTS = ["LS_LOGS", "DEPLOY_FLOW", "MOUNT_PROCESSOR", "LISTEN"]
# Listing roles and privileges, and reading the samples the platform records, get
# rights of their own like every other list (the REST API needs one per endpoint).
EXTRA_RIGHTS += ["LS_ROLES", "LS_PRIVILEGES", "LS_QUEUELOGS", "READ_QUEUELOG", "LS_METRICS", "READ_METRIC"]
for _single, _plural in EXTRA_OBJECTS:
    for _verb in ("ADD", "UPDATE", "DELETE", "READ"):
        EXTRA_RIGHTS.append(f"{_verb}_{_single}")
    if _plural:
        EXTRA_RIGHTS.append(f"LS_{_plural}")

# Giving a processor's runner a secret is an admin's act, apart from creating or changing processors.
EXTRA_RIGHTS.append("ATTACH_SECRET")

ALL_RIGHTS = SPEC_RIGHTS + [r for r in EXTRA_RIGHTS if r not in SPEC_RIGHTS]

# django-stubs types only the class form of TextChoices, not the functional API (Enum("Name", members)).
Right = models.TextChoices("Right", [(name, name) for name in ALL_RIGHTS])  # type: ignore[call-overload]

CRUD_ACTIONS = ("list", "retrieve", "create", "update", "partial_update", "destroy")
_VERB_OF_ACTION = {
    "list": "LS_{plural}", "retrieve": "READ_{single}", "create": "ADD_{single}",
    "update": "UPDATE_{single}", "partial_update": "UPDATE_{single}", "destroy": "DELETE_{single}",
}


def crud_rights(single: str, plural: str, *, actions: tuple[str, ...] = CRUD_ACTIONS) -> dict[str, str]:
    """The rights of a viewset's standard actions: list -> LS_<PLURAL>, retrieve -> READ_<SINGLE>,
    create -> ADD_, update -> UPDATE_, destroy -> DELETE_. Fails at import for a missing right."""
    return {
        action: Right(_VERB_OF_ACTION[action].format(single=single, plural=plural)) for action in actions
    }
