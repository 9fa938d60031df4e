"""The safety lexicon and exemplar bank, loaded from reviewable data files (chatbot/safety/data/)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatbot.safety.normalize import normalize_variants

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_FILE = DATA_DIR / "lexicon.toml"
EXEMPLARS_FILE = DATA_DIR / "exemplars.toml"


@dataclass(frozen=True)
class PatternGroup:
    section: str  # crisis | cue | emergency | medical_advice | injection | context
    name: str  # e.g. "ideation", "informational"
    strength: str  # for crisis groups: strong (fires alone) | weak (fires unless a cue explains it)
    patterns: tuple[re.Pattern[str], ...]
    raw: bool = False  # match the lower-cased message itself (emoji, punctuation), not its normalised words

    def search(self, variants: tuple[str, ...], raw: str = "") -> str | None:
        """The first matching text, or None."""
        for pattern in self.patterns:
            for text in (raw,) if self.raw else variants:
                found = pattern.search(text)
                if found:
                    return found.group(0)
        return None


@dataclass(frozen=True)
class Lexicon:
    groups: tuple[PatternGroup, ...]
    replacements: dict[str, str]

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> Lexicon:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        macros: dict[str, str] = data.get("macros", {})
        groups = []
        for section in ("crisis", "cue", "emergency", "medical_advice", "injection", "context"):
            for group in data.get(section, []):
                groups.append(_group(section, group, macros))
        return cls(tuple(groups), dict(data.get("replacements", {})))

    def variants(self, text: str) -> tuple[str, ...]:
        return normalize_variants(text, self.replacements)

    def mask(self, variants: tuple[str, ...], kind: str) -> tuple[str, ...]:
        """The variants with every match of the `kind` cue blanked out (idioms are not risk statements)."""
        patterns = [p for g in self.groups if g.section == "cue" and g.name == kind for p in g.patterns]
        masked = []
        for text in variants:
            for pattern in patterns:
                text = pattern.sub(" | ", text)
            masked.append(text)
        return tuple(masked)

    def matches(self, variants: tuple[str, ...], section: str, raw: str = "") -> dict[str, str]:
        """Group name -> matched text, for every group of `section` that matches."""
        found = {}
        for group in self.groups:
            if group.section == section:
                hit = group.search(variants, raw)
                if hit is not None:
                    found[f"{group.name}" if section != "crisis" else f"{group.strength}:{group.name}"] = hit
        return found


def _group(section: str, group: dict[str, Any], macros: dict[str, str]) -> PatternGroup:
    name = group.get("group") or group.get("kind") or section
    compiled = []
    for raw in group["patterns"]:
        pattern = raw
        for key, value in macros.items():
            pattern = pattern.replace("{" + key + "}", value)
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(f"{LEXICON_FILE.name}: [{section}] {name}: bad pattern {raw!r}: {exc}") from exc
    return PatternGroup(section, name, group.get("strength", "strong"), tuple(compiled), bool(group.get("raw", False)))


@dataclass(frozen=True)
class ExemplarBank:
    crisis: tuple[str, ...]
    safe: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = EXEMPLARS_FILE) -> ExemplarBank:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        crisis = tuple(e for g in data.get("crisis", []) for e in g["examples"])
        safe = tuple(e for g in data.get("not_crisis", []) for e in g["examples"])
        return cls(crisis, safe)
