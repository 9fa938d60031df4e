"""Imports point downstream only, in every module of every package, with no exemptions: the table below says which
package may import which (imports inside functions and under TYPE_CHECKING count too)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from tests.conftest import PROJECT

# importer -> what it may import besides itself. Sub-packages of chatbot are their own rows: they see the shared
# records of chatbot.types, never the assistant that uses them; chatbot.safety.messages (the safety phrases and the
# clinic's contact details) is a leaf anyone may read. Nothing in the product imports evaluation.
PRODUCT = {"chatbot", "chatbot.errors", "chatbot.types", "chatbot.safety", "chatbot.safety.messages", "chatbot.generate", "conversations", "index", "ingest"}
ALLOWED: dict[str, set[str]] = {
    "settings": {"ingest", "chatbot.types", "conversations"},  # the packages' own defaults, written once there
    "ingest": set(),
    "index": {"ingest"},
    "chatbot.safety.messages": set(),
    "chatbot.errors": set(),
    "chatbot.types": {"chatbot.safety.messages", "ingest"},
    "chatbot.safety": {"chatbot.types", "chatbot.safety.messages"},
    "chatbot.generate": {"chatbot.types", "chatbot.errors", "index", "ingest"},
    "chatbot": {"chatbot.errors", "chatbot.types", "chatbot.safety", "chatbot.safety.messages", "chatbot.generate", "index", "ingest"},
    "conversations": {"chatbot.safety.messages"},
    "web": PRODUCT,
    "cli": PRODUCT | {"settings", "web"},
    "app": PRODUCT | {"settings", "web", "cli"},
    "evaluation": PRODUCT | {"settings", "cli"},
}
KNOWN_CYCLES: set[frozenset[str]] = set()
UNITS = sorted(ALLOWED, key=len, reverse=True)  # longest first: chatbot.safety before chatbot
MODULES = sorted(
    p for p in [*PROJECT.glob("*.py"), *(f for top in ALLOWED if (PROJECT / top).is_dir() for f in (PROJECT / top).rglob("*.py"))] if ".venv" not in p.parts
)


def unit_of(dotted: str) -> str | None:
    """The row or column of ALLOWED a dotted module name belongs to; None for the standard library and third parties."""
    return next((u for u in UNITS if dotted == u or dotted.startswith(u + ".")), None)


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, absolute names (relative imports resolved)."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            names.add(".".join([*base, *([node.module] if node.module else [])]))
    return names


def test_every_module_is_covered_by_the_table() -> None:
    known = {unit_of(module_name(p)) for p in MODULES}
    assert None not in known, [str(p) for p in MODULES if unit_of(module_name(p)) is None]
    assert {"ingest", "index", "chatbot", "chatbot.safety", "chatbot.generate", "conversations", "web", "cli", "evaluation"} <= known


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PROJECT)))
def test_imports_point_downstream_only(path: Path) -> None:
    importer = unit_of(module_name(path))
    assert importer is not None
    used = {u for u in map(unit_of, imported_modules(path)) if u is not None} - {importer}
    assert used <= ALLOWED[importer], f"{path.relative_to(PROJECT)} ({importer}) imports {sorted(used - ALLOWED[importer])}"


def test_the_table_itself_points_one_way() -> None:
    """No two packages may import each other, and nothing in the product may import the harness."""
    for a, allowed in ALLOWED.items():
        for b in allowed:
            assert a not in ALLOWED[b] or frozenset({a, b}) in KNOWN_CYCLES, f"{a} and {b} may import each other"
    assert all("evaluation" not in allowed for allowed in ALLOWED.values())


@pytest.mark.parametrize("package", ["ingest", "index", "chatbot", "conversations", "web", "cli", "evaluation"])
def test_each_package_names_its_public_api(package: str) -> None:
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing, f"{package}.__all__ names what it does not export: {missing}"
