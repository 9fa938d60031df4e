"""Command implementations behind app.py; errors become friendly messages here, at the edge.

The public names load lazily (PEP 562): `app.py ask` must not pay for the web server's imports."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.ask import answer_lines, print_answer
    from cli.ingest import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, ingest_command
    from cli.logs import configure_json_logging
    from cli.serve import serve_command
    from cli.wiring import load_assistant

_HOME = {
    "EXIT_FAILED": "cli.ingest",
    "EXIT_OK": "cli.ingest",
    "EXIT_PARTIAL": "cli.ingest",
    "answer_lines": "cli.ask",
    "configure_json_logging": "cli.logs",
    "ingest_command": "cli.ingest",
    "load_assistant": "cli.wiring",
    "print_answer": "cli.ask",
    "serve_command": "cli.serve",
}

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "answer_lines",
    "configure_json_logging",
    "ingest_command",
    "load_assistant",
    "print_answer",
    "serve_command",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
