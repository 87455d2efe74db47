"""What the platform's modules depend on, read from their source (ast), never imported.

A dependency is an import (module level or inside a function: both run), a lazy model
reference (``ForeignKey("processors.Processor")``: a cycle hidden from the imports is still
a cycle) or a migration's dependency on another app's migration.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_ROOTS = ("apps", "flowsite")
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


@dataclass(frozen=True)
class Dependency:
    source: str  # the dotted module that depends
    target: str  # the dotted module (or "app.Model" reference) it depends on
    where: str  # path:line
    kind: str  # "import", "model reference" or "migration"

    def __str__(self) -> str:
        return f"{self.where}: {self.source} -> {self.target} ({self.kind})"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(*roots: str) -> list[Path]:
    return sorted(p for root in roots or SOURCE_ROOTS for p in (ROOT / root).rglob("*.py"))


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module a (possibly relative) ``from ... import`` names."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(path: Path) -> Iterator[Dependency]:
    module = module_name(path)
    where = str(path.relative_to(ROOT))
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Dependency(module, alias.name, f"{where}:{node.lineno}", "import")
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module, path.name == "__init__.py")
            yield Dependency(module, target, f"{where}:{node.lineno}", "import")


def model_references(path: Path) -> Iterator[Dependency]:
    """``ForeignKey("app.Model")`` and the like: a dependency on ``apps.<app>.models``."""
    module = module_name(path)
    for node in ast.walk(parsed(path)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in RELATION_FIELDS or not node.args:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and "." in first.value:
            app, model = first.value.split(".", 1)
            yield Dependency(module, f"apps.{app}.models.{model}",
                             f"{path.relative_to(ROOT)}:{node.lineno}", "model reference")


def migration_dependencies(path: Path) -> Iterator[Dependency]:
    """``dependencies = [("processors", "0001_initial")]`` of a migration module."""
    module = module_name(path)
    for node in ast.walk(parsed(path)):
        if not (isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "dependencies" for t in node.targets)):
            continue
        for item in getattr(node.value, "elts", []):
            if isinstance(item, ast.Tuple) and all(isinstance(e, ast.Constant) for e in item.elts):
                app, name = (e.value for e in item.elts)  # type: ignore[attr-defined]
                yield Dependency(module, f"apps.{app}.migrations.{name}",
                                 f"{path.relative_to(ROOT)}:{node.lineno}", "migration")


def dependencies(*roots: str) -> list[Dependency]:
    found: list[Dependency] = []
    for path in source_files(*roots):
        found += imports(path)
        found += model_references(path)
        if "migrations" in path.parts:
            found += migration_dependencies(path)
    return found


def app_of(module: str) -> str | None:
    """``apps.engine.runner.runner`` -> ``engine``; None outside ``apps``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "apps" else None
