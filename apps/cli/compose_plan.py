"""What ``flow compose up|down`` would change on the server, and applying it.

``up`` creates what is missing and PATCHes the declared fields that differ (so a second
``up`` finds nothing to do); ``down`` deletes what the file declares, in reverse order.
Only declared fields are compared; a field the server does not show is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from apps.cli.compose_spec import BY_SECTION, ComposeError, Declared, Document
from apps.client.errors import NotFound
from apps.client.http import ApiClient

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
SYMBOLS = {"create": "+", "update": "~", "delete": "-"}


@dataclass
class Change:
    action: str  # create, update or delete
    obj: Declared
    current: dict | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # key -> (old, new)

    @property
    def current_id(self) -> str:
        """The server's id of what an update or delete changes (the plan sets ``current`` for both)."""
        if self.current is None:
            raise ValueError(f"The {self.action} of {self.obj.name} has no object on the server.")
        return self.current["id"]

    @property
    def head(self) -> str:
        return f"{SYMBOLS[self.action]} {self.obj.kind} {self.obj.name}"

    def lines(self) -> list[str]:
        """The head line, then ``key: value`` (create) or ``key: old -> new`` (update)."""
        if self.action == "create":
            return [self.head, *(f"    {key}: {_show(new)}" for key, (_, new) in self.fields.items())]
        return [self.head, *(f"    {key}: {_show(old)} -> {_show(new)}" for key, (old, new) in self.fields.items())]

    def as_dict(self) -> dict:
        return {
            "action": self.action, "kind": self.obj.kind, "name": self.obj.name,
            "fields": {key: {"old": old, "new": new} for key, (old, new) in self.fields.items()},
        }


class _Server:
    """Server objects by (path, name), each fetched at most once."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self._cache: dict[tuple[str, str], dict | None] = {}

    def get(self, path: str, name: str) -> dict | None:
        key = (path, name)
        if key not in self._cache:
            try:
                self._cache[key] = self.client.find(path, name)
            except NotFound:
                self._cache[key] = None
        return self._cache[key]


def plan_up(client: ApiClient, document: Document) -> list[Change]:
    server = _Server(client)
    check_references(server, document)
    changes: list[Change] = []
    for obj in document.objects:
        current = server.get(obj.path, obj.name)
        if current is None:
            changes.append(Change("create", obj, None, {key: (None, value) for key, value in obj.fields.items()}))
            continue
        differing = differences(obj.fields, current)
        if differing:
            changes.append(Change("update", obj, current, differing))
    return changes


def plan_down(client: ApiClient, document: Document) -> list[Change]:
    server = _Server(client)
    return [
        Change("delete", obj, current)
        for obj in reversed(document.objects)
        if (current := server.get(obj.path, obj.name)) is not None
    ]


def check_references(server: _Server, document: Document) -> None:
    """Every name a field refers to is declared in the file or exists on the server."""
    declared = {(obj.path, obj.name) for obj in document.objects}
    problems: list[str] = []
    for obj in document.objects:
        for key, value in obj.fields.items():
            ref = BY_SECTION[obj.path].fields[key].ref
            if ref and (ref, value) not in declared and server.get(ref, value) is None:
                problems.append(
                    f"{document.where(obj, key)}: {obj.kind} '{obj.name}' refers to {BY_SECTION[ref].kind} "
                    f"'{value}', which is neither in the file nor on the server"
                )
    if problems:
        raise ComposeError(problems)


def differences(wanted: dict[str, Any], current: dict) -> dict[str, tuple[Any, Any]]:
    changed: dict[str, tuple[Any, Any]] = {}
    for key, want in wanted.items():
        if key not in current:
            continue  # not shown by the server (write-only): nothing to compare
        have = _plain(current[key])
        if isinstance(have, str) and _UUID.match(have) and not _UUID.match(str(want)):
            continue  # the server shows an id where the file names an object
        if key == "gitrepo":
            want = redact(str(want))
        if _same(have, want):
            continue
        changed[key] = (have, want)
    return changed


def apply(client: ApiClient, changes: list[Change], progress: Callable[[int, int, Change], None]) -> None:
    for index, change in enumerate(changes, start=1):
        obj = change.obj
        if change.action == "create":
            client.post(f"{obj.path}/", {"name": obj.name, **obj.fields})
        elif change.action == "update":
            body = {key: obj.fields[key] for key in change.fields}
            client.patch(f"{obj.path}/{change.current_id}/", body)
        else:
            client.delete(f"{obj.path}/{change.current_id}/")
        progress(index, len(changes), change)


_SCP_WITH_PASSWORD = re.compile(r"^[^@/]+:[^@/]*@(?P<rest>[^:/]+:.+)$")
_SSH_SCHEMES = {"ssh", "git+ssh", "ssh+git"}


def redact(url: str) -> str:
    """The URL as the server shows it: credentials replaced by ``***`` (a bare ssh user
    name, ``ssh://git@host/x``, is not a credential and stays)."""
    scp = _SCP_WITH_PASSWORD.match(url) if "://" not in url else None
    if scp:
        return f"***@{scp.group('rest')}"
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:
        userinfo, host = parts.netloc.rsplit("@", 1)
        if parts.scheme.lower() in _SSH_SCHEMES and ":" not in userinfo:
            return url
        return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))
    return url


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("name") or value.get("username") or value.get("id")
    return value


def _same(have: Any, want: Any) -> bool:
    if isinstance(want, str) and not isinstance(have, str) and have is not None:
        return str(have) == want
    return have == want


def _show(value: Any) -> str:
    return "(none)" if value is None else repr(value) if isinstance(value, str) else str(value)
