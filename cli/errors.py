"""The command line's one edge: an expected error becomes one friendly line on stderr and an exit code.

Expected errors are each package's own root (ingest.IngestError, index.IndexStoreError,
conversations.StoreError, chatbot.errors.ChatbotError), a bad setting
(pydantic's ValidationError) and OSError (a data directory or file that cannot be used). Anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

EXIT_FAILED, EXIT_USAGE = 1, 2


@dataclass(frozen=True)
class Failure:
    """What the user reads (its first line says what failed and why) and the exit code."""

    message: str
    code: int


def _loaded(module: str, name: str) -> type[BaseException] | None:
    """An error class, if its module is loaded: an error whose module was never imported cannot have
    been raised, and importing it here (chatbot.rerank loads torch) would slow every failure."""
    found = getattr(sys.modules.get(module), name, None)
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def _is(exc: BaseException, *names: tuple[str, str]) -> bool:
    return any(cls is not None and isinstance(exc, cls) for cls in (_loaded(m, n) for m, n in names))


def _first_line(exc: BaseException) -> str:
    """Database drivers and the OS append hints and URLs on further lines: the first one says what went wrong."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def explain(command: str, exc: BaseException) -> Failure | None:
    """The message and exit code for an expected error raised by `command`; None for anything else."""
    from chatbot.safety.messages import DISCLAIMER

    what = str(exc)  # our packages' own messages, whole
    if _is(exc, ("ingest.errors", "IngestError")) or (command == "ingest" and _is(exc, ("index.errors", "IndexStoreError"))):
        return Failure(f"ingest failed: {what}", EXIT_FAILED)
    if _is(exc, ("index.errors", "IndexStoreError")):
        return Failure(f"{command}: cannot load an index: {what}; re-run `python app.py ingest`.\n\n{DISCLAIMER}", EXIT_FAILED)
    if _is(exc, ("chatbot.errors", "ChatbotError")):
        return Failure(f"{command}: {what}\n\n{DISCLAIMER}", EXIT_USAGE)  # a configuration to fix before starting again
    if _is(exc, ("conversations.errors", "StoreError")):
        first = _first_line(exc)  # SqlStore says "cannot prepare the conversation database: ..." where it can
        return Failure(f"{command}: {first if 'conversation database' in first else f'the conversation database: {first}'}", EXIT_FAILED)
    if isinstance(exc, ValidationError):  # Settings() read a bad SOFTREBOOT_* value
        return Failure(f"{command}: a setting is not valid: {_setting_problems(exc)}", EXIT_USAGE)
    if isinstance(exc, OSError):
        return Failure(f"{command}: {_first_line(exc)}", EXIT_FAILED)
    return None


def _setting_problems(exc: ValidationError) -> str:
    return "; ".join(f"SOFTREBOOT_{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()) or _first_line(exc)


def at_the_edge(command: str, body: Callable[[], int]) -> int:
    """Run a command; an expected error is printed as its friendly message and gives its exit code."""
    try:
        return int(body())
    except Exception as exc:
        failure = explain(command, exc)
        if failure is None:
            raise
        print(failure.message, file=sys.stderr)
        return failure.code
