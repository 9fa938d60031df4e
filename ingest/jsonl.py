"""One reader for JSON Lines files: the index's records, the evaluation sets, the scripts' training data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON value on each non-blank line of the UTF-8 file at `path`, in file order.

    Raises OSError when the file cannot be read and ValueError (json.JSONDecodeError) on a line that is not JSON."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
