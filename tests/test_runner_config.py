"""The Streamlit runner settings the app relies on for its per-page-view CPU cost."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def _runner() -> dict[str, object]:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return config.get("runner", {})


def _docstring_nodes(tree: ast.Module) -> set[int]:
    owners = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef))]
    return {
        id(owner.body[0])
        for owner in owners
        if owner.body
        and isinstance(owner.body[0], ast.Expr)
        and isinstance(owner.body[0].value, ast.Constant)
        and isinstance(owner.body[0].value.value, str)
    }


def magic_expressions(source: str) -> list[int]:
    """Line numbers of bare expressions that Streamlit's magic would have written to the page."""
    tree = ast.parse(source)
    docstrings = _docstring_nodes(tree)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and id(node) not in docstrings
        and not isinstance(node.value, ast.Call | ast.Await | ast.Yield | ast.YieldFrom)
    ]


def test_magic_off_and_no_page_relies_on_it() -> None:
    assert _runner().get("magicEnabled") is False
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in SCRIPTS
        if (lines := magic_expressions(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_magic_check_sees_a_bare_expression() -> None:
    # The check above must be able to fail: a bare name or a string mid-script is magic.
    source = '"""Docstring."""\nimport streamlit as st\nx = 1\nx\n"shown by magic"\nst.write(x)\n'
    assert magic_expressions(source) == [4, 5]


def test_no_forced_full_collection_after_each_run() -> None:
    # A forced gc.collect(2) after every run (and every live poll) cost more than the page.
    assert _runner().get("postScriptGC") is False


def test_no_source_watcher_per_session() -> None:
    # Streamlit's file watcher resolves every loaded module's path and sets up inotify watches
    # for each new browser session: about half the server CPU of a page view (py-spy). A
    # hosted service never reloads its source, so the watcher is off.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    # Nothing in the deployment turns it back on.
    for path in (ROOT / "deploy").rglob("*"):
        if path.is_file():
            assert "fileWatcherType" not in path.read_text(encoding="utf-8", errors="ignore")
