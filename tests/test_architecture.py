"""Imports point downstream only: ingest imports neither index nor chatbot; index does not import chatbot."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import PROJECT

FORBIDDEN = {
    "ingest": ("index", "chatbot", "cli", "web", "app", "settings"),
    "index": ("chatbot", "cli", "web", "app", "settings"),
    "chatbot": ("cli", "web", "app", "settings"),
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


ENTRY_POINTS = {PROJECT / "chatbot" / "eval.py"}  # `python -m chatbot.eval` wires itself like app.py does


def test_imports_point_downstream_only() -> None:
    for package, forbidden in FORBIDDEN.items():
        for path in set((PROJECT / package).rglob("*.py")) - ENTRY_POINTS:
            bad = imported_packages(path) & set(forbidden)
            assert not bad, f"{path.relative_to(PROJECT)} imports {bad}"
