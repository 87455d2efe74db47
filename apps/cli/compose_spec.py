"""Reading and validating a compose file (``network.yaml``) with line-precise errors.

The file is composed into YAML nodes (``yaml.compose``) so every problem can name its
line: ``network.yaml:12: processor 'proc1' needs 'gitrepo'``. Sections are applied in
the order of ``SECTIONS``; ``down`` goes the other way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from apps.cli.errors import CliError


@dataclass(frozen=True)
class FieldSpec:
    type: type = str
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None  # the section whose names this field refers to


@dataclass(frozen=True)
class Section:
    name: str  # YAML key and API path
    kind: str
    fields: dict[str, FieldSpec]


def _s(**options: Any) -> FieldSpec:
    return FieldSpec(**options)


INT, BOOL = _s(type=int), _s(type=bool)
NETWORK_REF = _s(ref="networks")

SECTIONS: tuple[Section, ...] = (
    Section("networks", "network", {"description": _s()}),
    Section("nodes", "node", {"hostname": _s(required=True), "network": NETWORK_REF, "cpus": INT}),
    Section("queues", "queue", {
        "qtype": _s(choices=("direct", "topic", "fanout")), "durable": BOOL, "reliable": BOOL,
        "auto_delete": BOOL, "message_ttl": INT, "max_length": INT, "max_length_bytes": INT,
        "expires": INT, "network": NETWORK_REF,
    }),
    Section("processors", "processor", {
        "gitrepo": _s(required=True), "module": _s(required=True), "branch": _s(), "commit": _s(),
        "gittag": _s(), "hostname": _s(), "concurrency": INT, "retries": INT, "retrydelay": INT,
        "timelimit": INT, "ratelimit": _s(), "requirements": _s(), "modulepath": _s(),
        "description": _s(), "beat": BOOL, "cron": _s(), "network": NETWORK_REF,
    }),
    Section("sockets", "socket", {
        "processor": _s(required=True, ref="processors"), "queue": _s(required=True, ref="queues"),
        "task": _s(required=True), "description": _s(), "interval": INT, "cron": _s(),
        "schedule_type": _s(choices=("CRON", "INTERVAL")), "wait": BOOL,
    }),
    Section("plugs", "plug", {
        "source": _s(required=True, ref="sockets"), "target": _s(required=True, ref="sockets"),
        "queue": _s(required=True, ref="queues"), "argument": _s(),
        "type": _s(choices=("RESULT", "ERROR")), "description": _s(),
    }),
)
BY_SECTION = {section.name: section for section in SECTIONS}
TOP_LEVEL = ("version", *BY_SECTION)


class ComposeError(CliError):
    """The file is not valid: the first problem is the message, the others the detail."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0], exit_code=2, detail=problems[1:] or None)
        self.problems = problems


@dataclass
class Declared:
    section: Section
    name: str
    fields: dict[str, Any]
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.section.kind

    @property
    def path(self) -> str:
        return self.section.name


@dataclass
class Document:
    filename: str
    objects: list[Declared]

    def where(self, obj: Declared, key: str | None = None) -> str:
        return f"{self.filename}:{obj.key_lines.get(key, obj.line) if key else obj.line}"


def load(path: str | Path) -> Document:
    """Read and validate a compose file; ComposeError lists every problem with its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse(text, path.name)


def parse(text: str, filename: str = "network.yaml") -> Document:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ComposeError([f"{filename}:{line}: {exc.problem or exc.context or 'not valid YAML'}"]) from None
    except yaml.YAMLError as exc:
        raise ComposeError([f"{filename}: not valid YAML: {exc}"]) from None
    reader = _Reader()
    objects = reader.document(root)
    if reader.problems:
        raise ComposeError([f"{filename}:{line}: {text}" for line, text in sorted(reader.problems)])
    return Document(filename, objects)


class _Reader:
    """Walks the composed nodes, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []
        self._constructor = yaml.SafeLoader("")

    def problem(self, node: yaml.Node, text: str) -> None:
        self.problems.append((node.start_mark.line + 1, text))

    def scalar(self, node: yaml.Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def document(self, root: yaml.Node | None) -> list[Declared]:
        if root is None:
            self.problems.append((1, "the file is empty"))
            return []
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, f"the file must be a mapping of sections ({', '.join(TOP_LEVEL)})")
            return []
        by_section: dict[str, list[Declared]] = {}
        for key_node, value_node in root.value:
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key == "version":
                if self.scalar(value_node) != 1:
                    self.problem(value_node, "only version 1 is supported")
            elif key in BY_SECTION:
                by_section[key] = self.section(BY_SECTION[key], value_node)
            else:
                self.problem(key_node, f"unknown section '{key}' (expected one of: {', '.join(TOP_LEVEL)})")
        return [obj for section in SECTIONS for obj in by_section.get(section.name, [])]

    def section(self, section: Section, node: yaml.Node) -> list[Declared]:
        if isinstance(node, yaml.ScalarNode) and self.scalar(node) is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"'{section.name}' must be a list of {section.kind}s")
            return []
        objects: list[Declared] = []
        first_line: dict[str, int] = {}
        for item in node.value:
            obj = self.item(section, item)
            if obj is None:
                continue
            if obj.name in first_line:
                self.problem(item, f"{section.kind} '{obj.name}' is declared twice"
                                   f" (first at line {first_line[obj.name]})")
                continue
            first_line[obj.name] = obj.line
            objects.append(obj)
        return objects

    def item(self, section: Section, node: yaml.Node) -> Declared | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"each entry of '{section.name}' must be a mapping with a name")
            return None
        values: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            key_lines[str(key)] = key_node.start_mark.line + 1
            values[str(key)] = (value_node, self.value(value_node))
        name = values.get("name", (None, None))[1]
        if not isinstance(name, str) or not name.strip():
            self.problem(node, f"a {section.kind} needs a 'name' (text)")
            return None
        fields = self.fields(section, name, values, node)
        return Declared(section, name, fields, node.start_mark.line + 1, key_lines)

    def value(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return _NOT_SCALAR
        return self.scalar(node)

    def fields(
        self, section: Section, name: str, values: dict[str, tuple[yaml.Node, Any]], item: yaml.Node
    ) -> dict[str, Any]:
        label = f"{section.kind} '{name}'"
        fields: dict[str, Any] = {}
        for key, (node, value) in values.items():
            if key == "name":
                continue
            spec = section.fields.get(key)
            if spec is None:
                self.problem(node, f"{label}: unknown field '{key}' (fields: {', '.join(['name', *section.fields])})")
                continue
            checked = self.check(node, label, key, spec, value)
            if checked is not _NOT_SCALAR:
                fields[key] = checked
        for key, spec in section.fields.items():
            if spec.required and key not in values:
                self.problem(item, f"{label} needs '{key}'")
        return fields

    def check(self, node: yaml.Node, label: str, key: str, spec: FieldSpec, value: Any) -> Any:
        if value is _NOT_SCALAR:
            self.problem(node, f"{label}: '{key}' must be a single value, not a list or mapping")
            return _NOT_SCALAR
        if spec.type is str and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if spec.type is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.problem(node, f"{label}: '{key}' must be a whole number, not {value!r}")
            return _NOT_SCALAR
        if not isinstance(value, spec.type):
            self.problem(node, f"{label}: '{key}' must be {_type_name(spec.type)}, not {value!r}")
            return _NOT_SCALAR
        if spec.choices and value not in spec.choices:
            self.problem(node, f"{label}: '{key}' must be one of {', '.join(spec.choices)}, not {value!r}")
            return _NOT_SCALAR
        return value


_NOT_SCALAR = object()


def _type_name(kind: type) -> str:
    return {str: "text", bool: "true or false", int: "a whole number"}.get(kind, kind.__name__)
