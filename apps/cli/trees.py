"""Box-drawing pictures of a call tree (``children``) and a call graph (nodes and edges)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BRANCH, LAST, PIPE, SPACE = "├── ", "└── ", "│   ", "    "


def call_label(node: dict) -> str:
    name = node.get("name") or node.get("socket") or node.get("id") or "?"
    state = node.get("state")
    return f"{name} [{state}]" if state else str(name)


def tree_lines(root: dict, label: Callable[[dict], str] = call_label) -> list[str]:
    """The lines of a nested ``{"children": [...]}`` tree, root first."""
    lines = [label(root)]
    _children(root.get("children") or [], "", label, lines)
    return lines


def _children(children: list, prefix: str, label: Callable[[dict], str], lines: list[str]) -> None:
    for index, child in enumerate(children):
        last = index == len(children) - 1
        lines.append(prefix + (LAST if last else BRANCH) + label(child))
        _children(child.get("children") or [], prefix + (SPACE if last else PIPE), label, lines)


def graph_lines(graph: Any, label: Callable[[dict], str] = call_label) -> list[str]:
    """A call graph (``nodes`` and ``edges`` from -> to) drawn from its roots; a call reached
    twice is drawn once, then referred to. A call with no edge in hangs under its parent."""
    if isinstance(graph, dict) and "children" in graph:
        return tree_lines(graph, label)
    graph = graph or {}
    nodes = {str(node["id"]): node for node in graph.get("nodes", [])}
    edges: dict[str, list[str]] = {key: [] for key in nodes}
    targets: set[str] = set()
    for edge in graph.get("edges", []):
        source = str(edge.get("from", edge.get("source")))
        target = str(edge.get("to", edge.get("target")))
        if source in nodes and target in nodes and target not in edges[source]:
            edges[source].append(target)
            targets.add(target)
    for key, node in nodes.items():
        parent = str(node.get("parent"))
        if key not in targets and parent in nodes:
            edges[parent].append(key)
            targets.add(key)
    roots = [key for key in nodes if key not in targets] or list(nodes)[:1]
    seen: set[str] = set()
    lines: list[str] = []
    for root in roots:
        lines.extend(tree_lines(_expand(root, nodes, edges, seen), label))
    return lines


def _expand(key: str, nodes: dict, edges: dict, seen: set[str]) -> dict:
    """The graph below ``key`` as a tree; nodes already drawn become a reference leaf."""
    node = dict(nodes[key])
    if key in seen:
        return {"name": f"{call_label(node)} (see above)", "children": []}
    seen.add(key)
    node["children"] = [_expand(target, nodes, edges, seen) for target in edges.get(key, [])]
    return node
