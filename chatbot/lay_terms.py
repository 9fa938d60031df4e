"""Patients' words for what the articles name clinically ("the drip", "while I'm under", "a touch-up session"),
glossed for retrieval and the cross-encoder only. Data: chatbot/data/lay_terms.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

LAY_TERMS_PATH = Path(__file__).resolve().parent / "data" / "lay_terms.toml"


class LayTermsError(ValueError):
    """The glossary file is malformed: a missing field or a pattern that does not compile (the message says which)."""


@dataclass(frozen=True)
class LayTerms:
    """Ordered (pattern, clinical words) pairs; `clinical(text)` applies each pattern once, in order."""

    terms: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def load(cls, path: Path = LAY_TERMS_PATH) -> LayTerms:
        """Read the glossary. Raises LayTermsError naming the entry when one is malformed."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        terms = []
        for i, entry in enumerate(data.get("term", []), start=1):
            if not isinstance(entry.get("lay"), str) or not isinstance(entry.get("clinical"), str):
                raise LayTermsError(f"{path}: term {i} needs the strings 'lay' and 'clinical'")
            try:
                terms.append((re.compile(rf"(?<![\w'-])(?:{entry['lay']})(?![\w'-])", re.I), entry["clinical"]))
            except re.error as exc:
                raise LayTermsError(f"{path}: term {i} ({entry['lay']!r}): {exc}") from exc
        return cls(tuple(terms))

    def replaced(self, text: str) -> str:
        """`text` with each lay phrase (its first occurrence, for each entry) replaced by the articles' words: for checks
        that look for words the articles never use ("the neck shot" is not a service the clinic lacks)."""
        return self._rewrite(text, keep=False)

    def clinical(self, text: str) -> str:
        """`text` with the articles' words after each lay phrase (its first occurrence, for each entry), in
        parentheses, so the sentence still reads: "can i hit the gym after" -> "can i hit the gym (intense exercise)
        after"; `text` itself when none occurs."""
        return self._rewrite(text, keep=True)

    def _rewrite(self, text: str, keep: bool) -> str:
        """Each entry in order, on its first match: the lay phrase followed by "(clinical)" when `keep`, else the
        clinical words alone. A phrase already glossed is left as it is, so glossing twice changes nothing."""
        for pattern, words in self.terms:
            match = pattern.search(text)
            if match and not (keep and text[match.end() :].startswith(f" ({words})")):
                said = f"{match.group(0)} ({words})" if keep else words
                text = f"{text[: match.start()]}{said}{text[match.end() :]}"
        return text
