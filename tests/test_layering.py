"""The layers hold: the data layer never imports Textual (nor pandas, numpy or yfinance at import
time), nothing imports upward, and no two modules import each other, even lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "neotui"

UPWARD: dict[str, tuple[str, ...]] = {
    # layer: what it may not import (anything above it)
    "neotui.data": (
        "neotui.app",
        "neotui.build",
        "neotui.cli",
        "neotui.messages",
        "neotui.notify",
        "neotui.screens",
        "neotui.settings",
        "neotui.sources",
        "neotui.startup_gc",
        "neotui.widgets",
        "neotui.formatting",
    ),
    "neotui.settings": ("neotui.app", "neotui.cli", "neotui.screens", "neotui.widgets"),
    "neotui.widgets": ("neotui.app", "neotui.cli", "neotui.screens", "neotui.build"),
    "neotui.screens": ("neotui.app", "neotui.cli", "neotui.build"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (imports for annotations only, which
    never run)."""
    found: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return found


def _imports(*, typing_only: bool = True) -> dict[str, set[str]]:
    """Every neotui module and the neotui modules it imports, at module level or inside a
    function (a lazy import hides a cycle; it does not remove it); with ``typing_only=False``,
    leaving out the imports made for annotations only."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree) if typing_only else _runtime_nodes(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if not node.module.startswith("neotui"):
                    continue
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("neotui"))
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def test_data_layer_imports_without_textual_pandas_or_yfinance() -> None:
    code = (
        "import sys, pkgutil, importlib, neotui.data as d\n"
        "for m in pkgutil.walk_packages(d.__path__, 'neotui.data.'):\n"
        "    importlib.import_module(m.name)\n"
        "import neotui.settings, neotui.cli.report, neotui.formatting\n"
        "bad = [n for n in ('textual', 'pandas', 'numpy', 'yfinance') if n in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("layer", sorted(UPWARD))
def test_nothing_imports_upward(layer: str) -> None:
    graph = _imports()
    assert any(m.startswith(layer + ".") for m in graph), f"no module under {layer}"
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module == layer or module.startswith(layer + ".")
        for target in targets
        if any(target == up or target.startswith(up + ".") for up in UPWARD[layer])
    )
    assert wrong == []


def test_no_import_cycle() -> None:
    """No cycle among the imports that run (the watch screen and the helpers it composes name
    each other in annotations only)."""
    graph = _imports(typing_only=False)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def test_graph_includes_imports_inside_functions() -> None:
    """quote and quote_batch hid their cycle behind an import inside a method; the graph sees
    such imports (feeds.py imports the report inside its commands)."""
    graph = _imports()
    assert "neotui.data.market.quote" in graph["neotui.data.market.quote_batch"]
    assert "neotui.data.market.quote_batch" not in graph["neotui.data.market.quote"]
    assert "neotui.cli.report" in graph["neotui.cli.feeds"]
