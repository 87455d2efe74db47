"""Whether a value annotated X may feed an argument annotated Y: the typed-wire checker.

A pure module with a twin in the front end (``frontend/src/store/wireTypes.ts``); both run
the same cases (``frontend/src/store/wireTypes.cases.json``), so the canvas and the deploy
refuse the same wires with the same words.

Values travel between calls as JSON, so the checker compares what arrives: ``tuple``,
``list`` and ``Sequence`` are all arrays, ``dict`` and ``Mapping`` objects, ``bool`` fits
``int`` and ``int`` fits ``float``. Unannotated is ``Any``. ``Optional[X]``, ``X | None``,
``Union[...]``, ``typing.List[int]`` and the other ``typing`` aliases are understood. The
verdict is ``ok``, ``refuse`` (the wire can never carry a value the argument takes) or
``warn`` (the checker cannot decide, or only some of the values fit: allowed, with the
reason). Anything it cannot read (a class of the user's, ``Literal``, a ``TypeVar``) is
undecidable rather than wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["ok", "warn", "refuse"]
# What an ERROR plug carries (apps.engine.execution): {"error", "call", "socket"}.
ERROR_TYPE = "dict[str, str]"

_PREFIXES = ("typing.", "typing_extensions.", "collections.abc.", "builtins.", "t.")
_ALIASES = {"List": "list", "Dict": "dict", "Tuple": "tuple", "Text": "str", "NoneType": "None"}
_FAMILIES = {
    "bool": "bool", "int": "int", "float": "float", "str": "str",
    "list": "array", "tuple": "array", "Sequence": "array", "MutableSequence": "array",
    "Iterable": "array", "Collection": "array",
    "dict": "object", "Mapping": "object", "MutableMapping": "object",
}
_WIDENS = {("bool", "int"), ("bool", "float"), ("int", "float")}
_TOKEN = re.compile(r"\s*(\.\.\.|[A-Za-z_][\w.]*|'[^']*'|\"[^\"]*\"|-?\d+|[\[\],|])")


@dataclass(frozen=True)
class WireType:
    """``kind``: any, none, name (``name`` and generic ``args``), union (``args``), unknown."""

    kind: str
    name: str = ""
    args: tuple[WireType, ...] = ()


ANY = WireType("any")
NONE = WireType("none")
UNKNOWN = WireType("unknown")


@dataclass(frozen=True)
class WireCheck:
    verdict: Verdict
    detail: str = ""


def annotation_text(annotation: str | None) -> str:
    """The annotation as shown: trimmed, without the ``*``/``**`` of a variadic argument."""
    return (annotation or "").strip().lstrip("*").strip()


def _tokens(text: str) -> list[str] | None:
    tokens: list[str] = []
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            return None if text[at:].strip() else tokens
        tokens.append(match.group(1))
        at = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.at = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, token: str | None = None) -> str:
        found = self.peek()
        if found is None or (token is not None and found != token):
            raise ValueError(f"expected {token or 'a type'}")
        self.at += 1
        return found

    def union(self) -> WireType:
        members = [self.primary()]
        while self.peek() == "|":
            self.take("|")
            members.append(self.primary())
        return _union(members)

    def primary(self) -> WireType:
        token = self.take()
        if token[0] in "'\"":
            return wire_type(token[1:-1])
        if token == "[" or token == "..." or not (token[0].isalpha() or token[0] == "_"):
            raise ValueError("not a type")
        args: list[WireType] = []
        if self.peek() == "[":
            self.take("[")
            args.append(self.argument())
            while self.peek() == ",":
                self.take(",")
                args.append(self.argument())
            self.take("]")
        return _named(token, args)

    def argument(self) -> WireType:
        if self.peek() == "...":
            self.take()
            return WireType("ellipsis")
        if self.peek() == "[":  # Callable[[int], str]: nothing the checker decides on
            depth = 0
            while True:
                token = self.take()
                depth += {"[": 1, "]": -1}.get(token, 0)
                if depth == 0:
                    return UNKNOWN
        return self.union()


def _union(members: list[WireType]) -> WireType:
    flat: list[WireType] = []
    for member in members:
        for part in member.args if member.kind == "union" else (member,):
            if part not in flat:
                flat.append(part)
    if ANY in flat:
        return ANY
    return flat[0] if len(flat) == 1 else WireType("union", args=tuple(flat))


def _named(raw: str, args: list[WireType]) -> WireType:
    name = raw
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
    name = _ALIASES.get(name, name)
    if name in ("Any", "None"):
        return ANY if name == "Any" else NONE
    if name == "Optional" and len(args) == 1:
        return _union([args[0], NONE])
    if name == "Union" and args:
        return _union(args)
    if name == "Annotated" and args:
        return args[0]
    return WireType("name", name=name, args=tuple(args))


def wire_type(annotation: str | None) -> WireType:
    """The type an annotation's text names; ``Any`` when empty, ``unknown`` when unreadable."""
    text = annotation_text(annotation)
    if not text:
        return ANY
    tokens = _tokens(text)
    if not tokens:
        return UNKNOWN
    parser = _Parser(tokens)
    try:
        parsed = parser.union()
    except ValueError:
        return UNKNOWN
    return parsed if parser.peek() is None else UNKNOWN


def _family(kind: WireType) -> str | None:
    return _FAMILIES.get(kind.name) if kind.kind == "name" else None


def _elements(kind: WireType) -> list[tuple[WireType, WireType]] | None:
    """(key, value) pairs to compare inside an array (key ANY) or object; None: not given."""
    if not kind.args:
        return None
    if _family(kind) == "object":
        return [(kind.args[0], kind.args[1] if len(kind.args) > 1 else ANY)]
    members = [arg for arg in kind.args if arg.kind != "ellipsis"]
    return [(ANY, _union(members) if members else ANY)]


def _fits(source: WireType, target: WireType) -> Verdict:
    if source.kind == "any" or target.kind == "any" or (target.kind == "name" and target.name == "object"):
        return "ok"
    if source.kind == "union":
        return _all([_fits(member, target) for member in source.args])
    if target.kind == "union":
        verdicts = [_fits(source, member) for member in target.args]
        return "ok" if "ok" in verdicts else "warn" if "warn" in verdicts else "refuse"
    if source.kind == "none" or target.kind == "none":
        known = _family(target) if source.kind == "none" else _family(source)
        return "ok" if source == target else "refuse" if known else "warn"
    source_family, target_family = _family(source), _family(target)
    if source_family is None or target_family is None:
        same = source.kind == target.kind == "name" and source.name == target.name
        return _pairs(source, target) if same else "warn"
    if source_family != target_family:
        return "ok" if (source_family, target_family) in _WIDENS else "refuse"
    return _pairs(source, target)


def _pairs(source: WireType, target: WireType) -> Verdict:
    inner, outer = _elements(source), _elements(target)
    if inner is None or outer is None:
        return "ok"
    verdicts: list[Verdict] = []
    for (source_key, source_value), (target_key, target_value) in zip(inner, outer, strict=True):
        verdicts += [_fits(source_key, target_key), _fits(source_value, target_value)]
    return "refuse" if "refuse" in verdicts else "warn" if "warn" in verdicts else "ok"


def _all(verdicts: list[Verdict]) -> Verdict:
    if all(verdict == "ok" for verdict in verdicts):
        return "ok"
    return "refuse" if all(verdict == "refuse" for verdict in verdicts) else "warn"


def _text(kind: WireType) -> str:
    if kind.kind == "union":
        return " | ".join(_text(member) for member in kind.args)
    if kind.kind == "none":
        return "None"
    return kind.name or kind.kind


def wire_check(source: str | None, target: str | None) -> WireCheck:
    """May a value annotated ``source`` feed an argument annotated ``target``?"""
    source_type, target_type = wire_type(source), wire_type(target)
    verdict = _fits(source_type, target_type)
    if verdict == "ok":
        return WireCheck("ok")
    shown_source, shown_target = annotation_text(source), annotation_text(target)
    if verdict == "refuse":
        return WireCheck("refuse", f"{shown_source} is not {shown_target}")
    if source_type.kind == "union":
        misfits = [member for member in source_type.args if _fits(member, target_type) == "refuse"]
        if misfits and len(misfits) < len(source_type.args):
            which = " or ".join(_text(member) for member in misfits)
            return WireCheck("warn", f"{shown_source} may be {which}, which is not {shown_target}")
    return WireCheck("warn", f"the checker cannot tell whether {shown_source} fits {shown_target}")


@dataclass(frozen=True)
class WireEnds:
    """One wire's two ends as the canvas and the deploy name them."""

    source_socket: str
    error: bool  # from the error output (else the result)
    source_type: str | None  # the result's annotation (ignored for the error output)
    target_socket: str
    argument: str | None  # the argument's name; None: the target has no such argument to type
    target_type: str | None
    whole_socket: bool = False  # into the socket itself: its first argument


def wire_judge(ends: WireEnds) -> tuple[Verdict, str]:
    """The verdict on a wire and, unless ok, the sentence both the canvas and the server show."""
    source = ERROR_TYPE if ends.error else ends.source_type
    check = wire_check(source, ends.target_type)
    if check.verdict == "ok":
        return "ok", ""
    output = "error" if ends.error else "result"
    place = f"its first argument {ends.argument}" if ends.whole_socket else f"argument {ends.argument}"
    opening = "Types do not match" if check.verdict == "refuse" else "Types may not match"
    return check.verdict, (f"{opening}: the {output} of {ends.source_socket} is {annotation_text(source)}, and "
                           f"{place} of {ends.target_socket} takes {annotation_text(ends.target_type)}: "
                           f"{check.detail}.")


_PLACEHOLDERS: dict[str, object] = {"int": 0, "float": 0, "str": "", "bool": False, "array": [], "object": {}}


def placeholder(annotation: str | None) -> object:
    """A value of the annotation's type to start an input form from (None when unknown)."""
    kind = wire_type(annotation)
    if kind.kind == "union":
        kind = next((member for member in kind.args if member.kind != "none"), NONE)
    family = _family(kind)
    value = _PLACEHOLDERS.get(family) if family else None
    return value.copy() if isinstance(value, list | dict) else value
