"""Normalise a message for the safety lexicon: case, accents, apostrophes, leetspeak, stretched
letters, spaced-out letters and common misspellings/slang, so one pattern covers many spellings."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i", "|": "l"})
_LEET_TOKEN = re.compile(r"\b(?=[\w@$!|]*[a-z])(?=[\w@$!|]*[0-9@$!|])[\w@$!|]+\b", re.I)
_APOSTROPHE = re.compile(r"['\u2019\u2018`´]")
_NON_WORD = re.compile(r"[^\w\s]|_")
_STRETCH = re.compile(r"(\w)\1{2,}")
_SPACED = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")
_SPACES = re.compile(r"\s+")


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _unleet(match: re.Match[str]) -> str:
    token = match.group(0)
    return token if token.isdigit() else token.translate(_LEET)


def normalize_variants(text: str, replacements: Mapping[str, str]) -> tuple[str, ...]:
    """The message in one or two normalised spellings (stretched letters reduced to two, and to one)."""
    text = _strip_accents(unicodedata.normalize("NFKC", text)).lower()
    text = _APOSTROPHE.sub("", text)
    text = _LEET_TOKEN.sub(_unleet, text)
    text = _NON_WORD.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    text = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)
    doubled = _apply(_STRETCH.sub(r"\1\1", text), replacements)
    single = _apply(re.sub(r"(\w)\1+", r"\1", doubled), replacements)
    return (doubled,) if single == doubled else (doubled, single)


def _apply(text: str, replacements: Mapping[str, str]) -> str:
    words = text.split(" ")
    out = " ".join(replacements.get(w, w) for w in words)
    return _SPACES.sub(" ", out).strip()
