"""Score a redactor on a labelled probe set: recall of personal details and over-redaction.

    python -m evaluation.redaction eval/redaction-dev.jsonl [--redactor presidio|patterns] [--old-from-git REV]

Each line: {"id", "text", "details": [{"kind", "value"}]} where every value is a substring of text.
- A detail is *caught* when (an e-mail address: it is not left whole; any other detail:) none of
  its identifying tokens (words with a digit, or of 2+ letters that are not connectors such as
  "apt", "of", "the") is left in the redacted text (case-insensitive,
  whole-token). Recall = caught / details.
- Over-redaction = ordinary words (tokens outside every labelled detail) missing from the redacted
  text, over all ordinary words. Placeholders such as <PERSON> are not words.
`--old-from-git REV` scores conversations/redact.py as it was at REV (e.g. the commit before a change)
on the same set, in the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest import read_jsonl

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
PLACEHOLDER = re.compile(r"<[A-Z_]+>")
# words inside a labelled detail that say nothing about the person on their own
CONNECTORS = frozenset("apt apartment unit ste suite of the on in and no number id member group policy born".split())


@dataclass
class Score:
    details: int = 0
    caught: int = 0
    words: int = 0
    words_lost: int = 0
    misses: list[str] = field(default_factory=list)
    over: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.details if self.details else 1.0

    @property
    def over_redaction(self) -> float:
        return self.words_lost / self.words if self.words else 0.0


def tokens(text: str) -> list[str]:
    return [t.lower() for t in TOKEN.findall(PLACEHOLDER.sub(" ", text))]


def identifying(value: str) -> list[str]:
    return [t for t in tokens(value) if any(c.isdigit() for c in t) or (len(t) >= 2 and t not in CONNECTORS)]


def score_row(row: dict[str, Any], redacted: str, score: Score) -> None:
    """Add one message's counts to `score` (misses and over-redactions are quoted for the report)."""
    left = Counter(tokens(redacted))
    text = row["text"]
    outside = text
    for d in row["details"]:
        score.details += 1
        # an e-mail address is one token: its name part may also be a detail of its own
        email = d["kind"] == "EMAIL"
        kept = ([d["value"]] if d["value"].lower() in redacted.lower() else []) if email else [t for t in identifying(d["value"]) if left[t] > 0]
        if kept:
            score.misses.append(f"{row['id']} {d['kind']} {d['value']!r} -> {redacted!r}")
        else:
            score.caught += 1
    for value in sorted((d["value"] for d in row["details"]), key=len, reverse=True):
        outside = outside.replace(value, " ")
    ordinary = Counter(tokens(outside))
    lost = ordinary - left
    score.words += sum(ordinary.values())
    score.words_lost += sum(lost.values())
    if lost:
        score.over.append(f"{row['id']} lost {sorted(lost)}: {redacted!r}")


def evaluate(redact: Any, rows: list[dict[str, Any]]) -> Score:
    score = Score()
    for row in rows:
        score_row(row, redact(row["text"]), score)
    return score


def redactor_from_git(rev: str, kind: str) -> Any:
    """Import conversations/redact.py as it was at `rev` (a separate module, same dependencies)."""
    source = subprocess.run(["git", "show", f"{rev}:conversations/redact.py"], check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "redact_old.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("redact_old", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["redact_old"] = module
    spec.loader.exec_module(module)
    return module.make_redactor(kind)


def report(name: str, score: Score, quote: bool) -> None:
    print(f"{name}: recall {score.caught}/{score.details} = {score.recall:.3f}; over-redaction {score.words_lost}/{score.words} = {score.over_redaction:.3%}")
    if quote:
        for line in score.misses:
            print("  MISS", line)
        for line in score.over:
            print("  OVER", line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.redaction", description=__doc__.splitlines()[0])
    parser.add_argument("probes", type=Path, nargs="+")
    parser.add_argument("--redactor", default="presidio", choices=["presidio", "patterns"])
    parser.add_argument("--old-from-git", metavar="REV", help="also score conversations/redact.py at REV")
    parser.add_argument("--quiet", action="store_true", help="numbers only, no quoted misses")
    args = parser.parse_args(argv)
    rows = [r for p in args.probes for r in read_jsonl(p)]
    if args.old_from_git:
        report(f"before ({args.old_from_git})", evaluate(redactor_from_git(args.old_from_git, args.redactor).redact, rows), not args.quiet)
    from conversations.redact import make_redactor

    report("after (working tree)", evaluate(make_redactor(args.redactor).redact, rows), not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
