"""The house stays easy to see: no import cycle, no private name borrowed across modules, no
module over 600 lines (read from the source with ``ast``, nothing is imported)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from conftest import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "vccap"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import of a file, nested ones
    included, ``if TYPE_CHECKING:`` blocks left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, list[str], int]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for orelse in child.orelse:
                    visit(orelse)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append((alias.name, [], child.lineno))
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module, [a.name for a in child.names], child.lineno))
            visit(child)

    visit(tree)
    return found


def _target(module: str, name: str) -> str:
    """The vccap module an import really reaches (``from vccap import fmt`` -> vccap.fmt)."""
    candidate = f"{module}.{name}"
    return candidate if candidate in MODULES else module


def _graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        for module, names, _line in _imports(path):
            if not module.startswith("vccap"):
                continue
            for target in {_target(module, n) for n in names} or {module}:
                if target in MODULES and target != name:
                    graph.add_edge(name, target)
    return graph


def test_the_package_is_found():
    assert {"vccap.cli", "vccap.build.core", "vccap.pages.base", "vccap.site.render"} <= set(
        MODULES
    )


def test_no_import_cycle():
    cycles = list(nx.simple_cycles(_graph()))
    assert cycles == [], "cycles d'import : " + " ; ".join(" -> ".join(c) for c in cycles)


def test_the_cycle_check_can_fail():
    graph = _graph()
    graph.add_edge("vccap.errors", "vccap.messages")  # messages imports errors
    assert list(nx.simple_cycles(graph))


def test_no_private_name_is_imported_from_another_module():
    borrowed = []
    for name, path in MODULES.items():
        for module, names, line in _imports(path):
            if module.startswith("vccap") and module != name:
                borrowed += [
                    f"{path.name}:{line}: {module}.{n}"
                    for n in names
                    if n.startswith("_") and not n.startswith("__")
                ]
    assert borrowed == []


def test_no_private_attribute_of_another_vccap_module_is_used():
    """``charts._layout(...)`` from another module borrows an internal: make it public."""
    borrowed = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("vccap"):
                for a in node.names:
                    if (
                        _target(node.module, a.name) in MODULES
                        and _target(node.module, a.name) != node.module
                    ):
                        aliases[a.asname or a.name] = _target(node.module, a.name)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("vccap") and a.asname:
                        aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and aliases[node.value.id] != name
            ):
                borrowed.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert borrowed == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_600_lines(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} : {lines} lignes"
