"""Who writes which model, read from the source (ast) and Django's model registry.

A write is found where the model can be told from the code alone:
- a queryset write: ``Processor.objects.filter(...).update(status=...)``, ``create``,
  ``get_or_create``, ``update_or_create``, ``bulk_create``, ``bulk_update``, ``delete``;
- a related manager's write: ``processor.deployments.update(...)`` (the accessor names one model);
- an instance's ``save()``/``delete()`` or a field assignment (``processor.status = ...``) on a
  name whose model is known: an annotated argument, an assignment from ``Model(...)`` or a
  ``Model.objects`` query, or a name that is the model's in snake case (``processor``);
- the shared services ``object_create(model=Model)``, ``object_update(instance=x)``,
  ``object_delete(instance=x)``: a write of that model by the module that calls them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps as registry
from django.db import models

from tests.architecture.graph import ROOT, module_name, parsed, source_files

QUERYSET_WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "delete"}
INSTANCE_WRITES = {"save", "delete"}
SHARED_WRITES = {"object_create": "model", "object_update": "instance", "object_delete": "instance"}


@dataclass(frozen=True)
class Write:
    module: str  # apps.engine.agent.state
    model: str  # processors.Processor
    fields: tuple[str, ...]  # the fields it names, when it names them
    where: str
    how: str

    @property
    def app(self) -> str:
        return self.module.split(".")[1]

    @property
    def owner(self) -> str:
        return self.model.split(".")[0]

    def __str__(self) -> str:
        fields = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.where}: {self.module} writes {self.model}{fields} by {self.how}"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@cache
def platform_models() -> dict[str, type[models.Model]]:
    """Class name -> model, for the models of the apps under ``apps/``."""
    return {m.__name__: m for m in registry.get_models() if m.__module__.startswith("apps.")}


@cache
def accessors() -> dict[str, type[models.Model]]:
    """Reverse accessor name -> its model, for the names only one model is reached by."""
    found: dict[str, set[type[models.Model]]] = {}
    for model in platform_models().values():
        for relation in model._meta.related_objects:
            name = relation.get_accessor_name()
            if name:
                found.setdefault(name, set()).add(relation.related_model)  # type: ignore[arg-type]
    return {name: next(iter(ms)) for name, ms in found.items() if len(ms) == 1}


def label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def _chain(node: ast.AST) -> tuple[ast.AST, list[str]]:
    """The innermost receiver of ``a.b(...).c.d(...)`` and the attribute names on the way."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node, list(reversed(names))


class _Scope:
    """What a module's names stand for: imported models, and variables of a function."""

    def __init__(self, tree: ast.Module):
        known = platform_models()
        self.imported = {alias.asname or alias.name: known[alias.name]
                         for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                         and (node.module or "").startswith("apps.") for alias in node.names if alias.name in known}
        self.by_snake = {_snake(name): model for name, model in known.items()}
        self.variables: dict[str, type[models.Model]] = {}

    def model_of_expression(self, node: ast.AST) -> type[models.Model] | None:
        base, names = _chain(node)
        if isinstance(base, ast.Name) and base.id in self.imported and (not names or names[0] == "objects"):
            return self.imported[base.id]
        return None

    def model_of_name(self, name: str) -> type[models.Model] | None:
        return self.variables.get(name) or self.by_snake.get(name)

    def enter(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.variables = {}
        for arg in [*function.args.args, *function.args.kwonlyargs]:
            annotation = arg.annotation
            if isinstance(annotation, ast.Name) and annotation.id in self.imported:
                self.variables[arg.arg] = self.imported[annotation.id]
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                model = self.model_of_expression(node.value)
                if model is not None:
                    self.variables[node.targets[0].id] = model
            elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
                model = self.model_of_expression(node.iter)
                if model is not None:
                    self.variables[node.target.id] = model


def _keywords(call: ast.Call) -> tuple[str, ...]:
    names = [k.arg for k in call.keywords if k.arg]
    for keyword in call.keywords:
        if keyword.arg in ("update_fields", "defaults") and isinstance(keyword.value, (ast.List, ast.Tuple, ast.Dict)):
            items = keyword.value.keys if isinstance(keyword.value, ast.Dict) else keyword.value.elts
            names += [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]
    return tuple(sorted(set(names) - {"update_fields", "defaults", "using", "batch_size", "ignore_conflicts"}))


def _call_write(scope: _Scope, call: ast.Call) -> tuple[type[models.Model], tuple[str, ...], str] | None:
    func = call.func
    if isinstance(func, ast.Name) and func.id in SHARED_WRITES:
        argument = next((k.value for k in call.keywords if k.arg == SHARED_WRITES[func.id]), None)
        if isinstance(argument, ast.Name):
            model = scope.imported.get(argument.id) if func.id == "object_create" else scope.model_of_name(argument.id)
            if model is not None:
                return model, (), func.id
        return None
    if not isinstance(func, ast.Attribute):
        return None
    base, names = _chain(func.value)
    if func.attr in QUERYSET_WRITES:
        model = scope.model_of_expression(func.value) if "objects" in names else None
        if model is None and names and names[0] in accessors() and isinstance(base, ast.Name):
            model = accessors()[names[0]]
        if model is not None:
            return model, _keywords(call), f"queryset .{func.attr}()"
    if func.attr in INSTANCE_WRITES and not names and isinstance(base, ast.Name):
        model = scope.model_of_name(base.id)
        if model is not None:
            return model, _keywords(call), f".{func.attr}()"
    return None


def _assigned(scope: _Scope, node: ast.Assign) -> list[tuple[type[models.Model], str]]:
    found = []
    targets = [t for target in node.targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
    for target in targets:
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            model = scope.model_of_name(target.value.id)
            field_names = {f.name for f in model._meta.get_fields()} if model else set()
            if model is not None and target.attr in field_names:
                found.append((model, target.attr))
    return found


def module_writes(path: Path) -> list[Write]:
    tree = parsed(path)
    scope = _Scope(tree)
    module, where = module_name(path), str(path.relative_to(ROOT))
    found: list[Write] = []
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for function in functions:
        scope.enter(function)
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                write = _call_write(scope, node)
                if write is not None:
                    found.append(Write(module, label(write[0]), write[1], f"{where}:{node.lineno}", write[2]))
            elif isinstance(node, ast.Assign):
                for model, field in _assigned(scope, node):
                    found.append(Write(module, label(model), (field,), f"{where}:{node.lineno}", "assignment"))
    return sorted(set(found), key=lambda w: (w.where, w.model, w.fields))


@cache
def service_functions(app: str) -> frozenset[str]:
    """The names of the functions in an app's services (``services.py`` or ``services/``)."""
    paths = [ROOT / "apps" / app / "services.py", *sorted((ROOT / "apps" / app / "services").glob("*.py"))]
    return frozenset(node.name for path in paths if path.exists() for node in parsed(path).body
                     if isinstance(node, ast.FunctionDef))


def has_services(model: str) -> bool:
    """Whether the model's app writes it with services of its own (``queue_create``...)."""
    app, name = model.split(".")
    return any(function.startswith(f"{_snake(name)}_") for function in service_functions(app))


def platform_writes() -> list[Write]:
    return [w for path in source_files("apps") if "migrations" not in path.parts for w in module_writes(path)]
