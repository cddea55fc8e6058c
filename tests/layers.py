"""The package's layers, written down once, and a walk over its imports (ast, so imports made
inside functions and under ``TYPE_CHECKING`` count) that finds import cycles and imports from
a lower layer to a higher one. ``ARCHITECTURE.md`` draws the same order."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Lowest first. A module may import from its own layer and the layers before it, never after.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("zoneopt.errors", "zoneopt.files", "zoneopt.lazy")),
    ("core", ("zoneopt.core",)),
    ("instance", ("zoneopt.instance",)),
    ("data", ("zoneopt.data",)),
    ("plans", ("zoneopt.plans",)),
    ("evaluation", ("zoneopt.evaluation",)),
    ("models", ("zoneopt.models",)),
    ("resources", ("zoneopt.resources",)),
    ("analysis", ("zoneopt.analysis",)),
    ("report", ("zoneopt.report",)),
    ("examples", ("zoneopt.examples",)),
    ("cli", ("zoneopt.cli",)),
    ("package", ("zoneopt.__main__", "zoneopt")),
)


def layer_of(module: str) -> int:
    """Index in :data:`LAYERS` of the layer holding ``module`` (the longest prefix wins)."""
    best, length = -1, -1
    for k, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > length:
                best, length = k, len(p)
    if best < 0:
        raise KeyError(f"module {module} is in no layer: add it to LAYERS in tests/layers.py")
    return best


def modules(src: Path, package: str = "zoneopt") -> dict[str, Path]:
    """Dotted name → file of every module under ``src/<package>``."""
    out = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: dict[str, Path]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            base = module.split(".")
            if not is_package:
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)]
            parent = ".".join(base + ([node.module] if node.module else []))
        else:
            parent = node.module or ""
        # ``from pkg import mod`` imports the module pkg.mod; ``from pkg import name`` imports pkg
        names = [f"{parent}.{a.name}" if f"{parent}.{a.name}" in known else parent for a in node.names]
    for name in names:
        while name and name not in known and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in known and name != module:
            yield name


def edges(src: Path, package: str = "zoneopt") -> list[Edge]:
    """Every import of one of the package's modules by another, wherever it stands in the file."""
    known = modules(src, package)
    out = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out += [Edge(module, t, node.lineno) for t in _targets(module, path.name == "__init__.py", node, known)]
    return out


def upward(all_edges: list[Edge]) -> list[Edge]:
    """Imports from a lower layer of a higher one."""
    seen: dict[tuple[str, str], Edge] = {}
    for e in all_edges:
        if layer_of(e.target) > layer_of(e.source):
            seen.setdefault((e.source, e.target), e)
    return list(seen.values())


def cycles(all_edges: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for e in all_edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found
