"""The import graph of the project's packages, read from the source with `ast`, and the rules of
DESIGN.md checked on it.

Every import counts wherever it stands: at module level, inside a function, under
`if TYPE_CHECKING:`; relative imports are resolved. `from pkg import name` is an edge to the
module `pkg.name` when there is one, else to `pkg` (a name defined in pkg/__init__.py).

Importing `pkg.sub` is an edge to `pkg.sub` only, not to `pkg`: Python runs pkg/__init__.py
first, but that is no cycle in practice, so a package's __init__ may import its submodules while
they import each other. A submodule that imports a name from its own package's __init__, which
imports the submodule, does close a cycle, and is reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LAYERS = ("storage", "handlers", "jobs", "bot")  # each may import only itself and those before it
CHANNEL_LIBRARIES = ("aiogram", "twilio", "aiohttp")  # for bot/ alone


@dataclass(frozen=True)
class Edge:
    source: str
    target: str  # a project module, or the dotted name of an outside one
    line: int


def project_modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module under the layers' folders."""
    found = {}
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[Edge]:
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Edge(name, _nearest(alias.name, known), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, is_package, node.module, node.level)
            for alias in node.names:
                member = f"{base}.{alias.name}"
                yield Edge(name, member if member in known else _nearest(base, known), node.lineno)


def _absolute(name: str, is_package: bool, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    package = name.split(".") if is_package else name.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _nearest(dotted: str, known: set[str]) -> str:
    """The project module a dotted name lies in (`handlers.types.Reply` -> `handlers.types`)."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return dotted


def import_graph(root: Path) -> list[Edge]:
    modules = project_modules(root)
    known = set(modules)
    return [edge for name, path in modules.items() for edge in imports_of(name, path, known)]


def _layer(module: str) -> str:
    return module.split(".")[0]


def reaching_up(edges: list[Edge], known: set[str]) -> list[str]:
    problems = []
    for edge in edges:
        source, target = _layer(edge.source), _layer(edge.target)
        if edge.target in known and LAYERS.index(target) > LAYERS.index(source):
            problems.append(f"{edge.source}:{edge.line} imports {edge.target}: {source} may not import {target}")
        elif source != "bot" and target in CHANNEL_LIBRARIES:
            problems.append(f"{edge.source}:{edge.line} imports {edge.target}: a channel library, for bot/ alone")
    return problems


def cycles(edges: list[Edge], known: set[str]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (Tarjan), as a closed path."""
    graph: dict[str, set[str]] = {name: set() for name in known}
    for edge in edges:
        if edge.target in known:
            graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_within(group, graph) for group in groups]


def _path_within(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A closed path through the group, from its first module back to it (breadth-first)."""
    start = min(group)
    previous: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"no cycle in {group}")


def problems(root: Path) -> list[str]:
    """Everything that breaks the rules, one line each; empty when the tree keeps them."""
    known = set(project_modules(root))
    edges = import_graph(root)
    found = reaching_up(edges, known)
    found += ["import cycle: " + " -> ".join(cycle) for cycle in cycles(edges, known)]
    return found
