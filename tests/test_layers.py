"""The layer rule, proven on the import graph built from the source's AST.

pages → ui → estafette, never upwards; web may use ui and estafette; bench may use anything.
The domain (estafette/) imports neither ui, web, bench, pages nor Streamlit, by any means:
``import``, ``from … import``, ``importlib.import_module("…")`` and ``__import__("…")`` with a
literal name all count. No first-party module takes part in an import cycle, and pages hold
no SQL and no pandas.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("estafette", "ui", "pages", "web", "bench")
TOP_LEVEL = ("app", "server")
# Which first-party layers each layer may import (itself included where listed).
ALLOWED: dict[str, frozenset[str]] = {
    "estafette": frozenset({"estafette"}),
    "ui": frozenset({"ui", "estafette"}),
    "pages": frozenset({"ui", "estafette"}),
    "web": frozenset({"web", "ui", "estafette"}),
    "bench": frozenset({"bench", "web", "ui", "estafette"}),
    "app": frozenset({"ui", "estafette"}),
    "server": frozenset({"web", "ui", "estafette"}),
}
# Third-party roots a layer must never import.
FORBIDDEN_THIRD_PARTY: dict[str, frozenset[str]] = {
    "estafette": frozenset({"streamlit", "streamlit_folium"}),
    "pages": frozenset({"sqlalchemy", "pandas", "psycopg"}),
}
DYNAMIC = {"importlib.import_module", "import_module", "__import__"}


@dataclass
class Graph:
    """First-party modules, their imports (runtime and type-only) and every imported name."""

    modules: dict[str, Path] = field(default_factory=dict)
    runtime: dict[str, set[str]] = field(default_factory=dict)
    typing_only: dict[str, set[str]] = field(default_factory=dict)
    external: dict[str, set[str]] = field(default_factory=dict)

    def layer(self, module: str) -> str:
        """The layer of a module: its top-level package or file name."""
        return module.split(".")[0]


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_names(module: str, path: Path, tree: ast.AST) -> tuple[set[str], set[str]]:
    """(runtime names, names imported only under ``if TYPE_CHECKING:``)."""
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    runtime: set[str] = set()
    typing: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names = [target, *(f"{target}.{alias.name}" for alias in node.names)]
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) in DYNAMIC
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        (typing if id(node) in type_only else runtime).update(names)
    return runtime, typing - runtime


def build_graph(root: Path) -> Graph:
    """The import graph of the first-party code under ``root``."""
    graph = Graph()
    files = [p for package in PACKAGES for p in sorted((root / package).rglob("*.py"))]
    files += [root / f"{name}.py" for name in TOP_LEVEL if (root / f"{name}.py").exists()]
    for path in files:
        graph.modules[_module_name(root, path)] = path
    first_party = {*PACKAGES, *TOP_LEVEL}

    def resolve(name: str) -> str | None:
        while name and name not in graph.modules:
            name = name.rpartition(".")[0]
        return name or None

    for module, path in graph.modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        runtime, typing = _imported_names(module, path, tree)
        for bucket, names in (("runtime", runtime), ("typing", typing)):
            edges = set()
            for name in names:
                if name.split(".")[0] in first_party:
                    target = resolve(name)
                    if target and target != module:
                        edges.add(target)
                elif name:
                    graph.external.setdefault(module, set()).add(name.split(".")[0])
            (graph.runtime if bucket == "runtime" else graph.typing_only)[module] = edges
    return graph


def layer_violations(graph: Graph) -> list[str]:
    """Every import that goes against the layer rule, as "module -> import" lines."""
    out = []
    for module in graph.modules:
        layer = graph.layer(module)
        edges = graph.runtime.get(module, set()) | graph.typing_only.get(module, set())
        for target in sorted(edges):
            if graph.layer(target) not in ALLOWED[layer]:
                out.append(f"{module} -> {target}")
        for name in sorted(graph.external.get(module, set())):
            if name in FORBIDDEN_THIRD_PARTY.get(layer, frozenset()):
                out.append(f"{module} -> {name}")
    return out


def cycles(graph: Graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph.modules:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.runtime.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.runtime.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_layers_hold_in_the_import_graph() -> None:
    graph = build_graph(ROOT)
    assert len(graph.modules) > 50  # the real tree, not an empty folder
    assert layer_violations(graph) == []


def test_no_import_cycles() -> None:
    assert cycles(build_graph(ROOT)) == []


def test_pages_call_no_sql() -> None:
    offenders = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] in {
                "select",
                "execute",
                "scalars",
                "groupby",
                "merge",
            }:
                offenders.append(f"{path.name}:{node.lineno} {ast.unparse(node.func)}")
            if isinstance(node, ast.Name) and node.id in {"Session", "session"}:
                offenders.append(f"{path.name}:{node.lineno} {node.id}")
    assert offenders == []


# The one place the UI commits (see its docstring): every other module goes through it.
WRITE_HELPER = ROOT / "ui" / "write.py"
UI_MODULE_LINES = 300


def commits(path: Path) -> list[str]:
    """Every ``.commit()`` or ``.begin()`` call in a file, as "file:line call" lines."""
    return [
        f"{path.name}:{node.lineno} {ast.unparse(node.func)}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"commit", "begin"}
    ]


def test_only_the_write_helper_commits_in_the_ui() -> None:
    files = [*sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]
    offenders = [line for path in files if path != WRITE_HELPER for line in commits(path)]
    assert offenders == []
    assert commits(WRITE_HELPER)  # the helper itself is seen, so the check can see a commit


def test_ui_modules_stay_small() -> None:
    # A ui module that outgrows this has taken on a second noun: split it along that noun.
    sizes = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "ui").glob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > UI_MODULE_LINES} == {}


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_the_graph_sees_a_planted_dynamic_import_of_the_ui(tmp_path: Path) -> None:
    # The grep for "import streamlit" this test replaces could not see any of these.
    root = _tree(
        tmp_path,
        {
            "estafette/__init__.py": "",
            "estafette/plain.py": "X = 1\n",
            "estafette/sneaky.py": """\
                import importlib

                def harness():
                    return importlib.import_module("ui.x")
            """,
            "estafette/dunder.py": "def st():\n    return __import__('streamlit')\n",
            "estafette/typed.py": """\
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from web import pages
            """,
            "ui/__init__.py": "",
            "web/__init__.py": "",
            "ui/x.py": "from estafette import plain\n",
            "pages/p.py": "from ui import x\nimport pandas as pd\n",
        },
    )
    graph = build_graph(root)
    assert graph.runtime["estafette.sneaky"] == {"ui.x"}
    assert sorted(layer_violations(graph)) == [
        "estafette.dunder -> streamlit",
        "estafette.sneaky -> ui.x",
        "estafette.typed -> web",
        "pages.p -> pandas",
    ]


def test_the_graph_sees_a_planted_cycle(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "estafette/__init__.py": "",
            "estafette/a.py": "from estafette import b\n",
            "estafette/b.py": "def late():\n    from estafette.c import C\n",
            "estafette/c.py": "from . import a\nC = 1\n",
            "estafette/d.py": "from estafette import a\n",
        },
    )
    assert cycles(build_graph(root)) == [["estafette.a", "estafette.b", "estafette.c"]]
