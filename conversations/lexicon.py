"""Which words are ordinary, which may be first names, and which belong to the clinic.

- Ordinary English: pyspellchecker's English word frequencies (counts from subtitles and books);
  a word seen at least `COMMON_COUNT` times is ordinary. Rare words ("santino", "okafor") are not,
  and are treated as possible names when a message is written all in lower or upper case.
  The Spanish list of the same package is read the same way.
- First names: gender-guesser's name dictionary (~48,000 given names from many countries), so that
  "i'm tom" or "my son marcus" is read as a name even though "tom" and "marcus" are common words.
- The clinic's vocabulary (`clinic_terms.txt`: SGB, KAP, BDNF, Menlo Park, weekdays, medicines...):
  never redacted, never a name.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

COMMON_COUNT = 300  # "sophy", "nguyen", "whitfield" are seen 50 times; "infusion" 892, "tom" 6,969
SPANISH_COUNT = 1_000  # "tengo", "ansiedad", "depresión"; the Spanish list counts fewer words
NAME_MAX_COUNT = 30_000
MISSPELT_OF_COUNT = 5_000  # a first name more frequent than this is an ordinary word first ("will", "hope", "so")
TERMS_FILE = Path(__file__).with_name("clinic_terms.txt")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


@cache
def _frequencies(language: str = "en") -> dict[str, int]:
    from spellchecker import SpellChecker

    return dict(SpellChecker(language=language).word_frequency.dictionary)


@cache
def _first_names() -> object:
    from gender_guesser.detector import Detector

    return Detector(case_sensitive=False)


@cache
def clinic_terms() -> frozenset[str]:
    """Lower-cased single words and phrases of the clinic's vocabulary."""
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


@cache
def clinic_words() -> frozenset[str]:
    return frozenset(w for term in clinic_terms() for w in WORD.findall(term))


def count(word: str) -> int:
    return _frequencies().get(word.lower().replace("’", "'"), 0)


def is_ordinary(word: str) -> bool:
    """A common English or Spanish word (many patients write in Spanish), one of the clinic's own, or
    a misspelt common word ("befor", "myslef": one edit from a word seen 5,000 times; 5+ letters)."""
    w = word.lower()
    if w in clinic_words() or count(w) >= COMMON_COUNT or _frequencies("es").get(w, 0) >= SPANISH_COUNT:
        return True
    return len(w) >= 5 and _misspelt(w)


@cache
def _misspelt(word: str) -> bool:
    from spellchecker import SpellChecker

    checker = _checker()
    return isinstance(checker, SpellChecker) and any(count(c) >= MISSPELT_OF_COUNT for c in checker.edit_distance_1(word))


@cache
def _checker() -> object:
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


def is_first_name(word: str) -> bool:
    """A given name that is not first of all an ordinary word."""
    w = word.lower()
    if len(w) < 2 or w in clinic_words() or count(w) > NAME_MAX_COUNT:
        return False
    return _first_names().get_gender(w) != "unknown"  # type: ignore[attr-defined]


def may_be_name(word: str) -> bool:
    """Rare (not an ordinary word) or a first name; never the clinic's own vocabulary."""
    return word.lower() not in clinic_words() and (not is_ordinary(word) or is_first_name(word))


def is_clinic_term(text: str) -> bool:
    """Is `text` made only of the clinic's vocabulary ("SGB", "Menlo Park", "Dr. Herman")?"""
    words = [re.sub(r"['’]s$", "", w.lower()) for w in WORD.findall(text)]
    return bool(words) and (" ".join(words) in clinic_terms() or all(w in clinic_words() or w == "dr" for w in words))


def cased_for_ner(text: str) -> str:
    """The same text, same length, re-cased as a careful writer would, for the named-entity model:
    words typed in capitals always, and lower-case words when the writer capitalises nothing
    ("sophy santino" -> "Sophy Santino", "MY NAME IS" -> "my name is"). Ordinary words become lower
    case, possible names Title Case. A writer who capitalises keeps their lower case as typed: their
    lower-case words are not names ("my bottle of sertraline")."""
    caseless = not any(w[:1].isupper() and not w.isupper() and w.lower() not in clinic_words() for w in WORD.findall(text))

    def recase(match: re.Match[str]) -> str:
        word = match.group(0)
        if not ((word.islower() and caseless) or (word.isupper() and len(word) > 1)):
            return word
        if word.lower() in clinic_words():
            return word.upper() if word.isupper() and len(word) <= 5 else word
        new = word.lower() if is_ordinary(word) and not is_first_name(word) else word[:1].upper() + word[1:].lower()
        return new if len(new) == len(word) else word

    return WORD.sub(recase, text)
