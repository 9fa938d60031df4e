"""Patients' typos, corrected toward the articles' own words ("infusoin" -> "infusion", "hipocampus" ->
"hippocampus"), for retrieval, the cross-encoder and the check for words the articles never use. Safety, the
reply and the stored conversation keep what the patient typed.

Only a word that is neither an English word (symspellpy's 82,765-word frequency list) nor one of the articles'
words is corrected, and only into one of the articles' words: a name the articles lack ("Tricare", "Spravato",
"troches") stays as typed, so the check for things the articles never mention still sees it. Symmetric-delete
lookup is `symspellpy` (Wolf Garbe's SymSpell; MIT).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from symspellpy import SymSpell, Verbosity

_WORD = re.compile(r"[A-Za-z]+")
_ENGLISH_LIST = "frequency_dictionary_en_82_765.txt"  # ships inside the symspellpy wheel


@dataclass(frozen=True)
class SpellingConfig:
    min_length: int = 5  # shorter words are left alone: "sgb", "tms", "emdr", "ocd" are acronyms, not typos
    long_word: int = 7  # from this length two edits are allowed ("anesthesiologst", "intergration"), below it one


@functools.cache
def english_words() -> frozenset[str]:
    """The lowercase words of symspellpy's English frequency list (82,765 entries, from the Google Books Ngram data
    intersected with SCOWL), read once per process. Raises FileNotFoundError if the wheel lacks it."""
    path = importlib.resources.files("symspellpy") / _ENGLISH_LIST
    with path.open(encoding="utf-8") as f:
        return frozenset(line.split(maxsplit=1)[0] for line in f if line.strip())


class Speller:
    """Corrects misspelled words of a question into the articles' vocabulary. Thread-safe after construction
    (lookups do not mutate the dictionary)."""

    def __init__(self, vocabulary: Counter[str], config: SpellingConfig | None = None) -> None:
        """`vocabulary`: the articles' lowercase words and their counts (the more frequent wins a tie)."""
        self.config = config or SpellingConfig()
        self.vocabulary = vocabulary
        self._english = english_words()
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in vocabulary.items():
            self._symspell.create_dictionary_entry(word, count)

    @classmethod
    def from_texts(cls, texts: Iterable[str], config: SpellingConfig | None = None) -> Speller:
        """The speller for a corpus: every alphabetic word of `texts`, lowercased."""
        return cls(Counter(w.lower() for text in texts for w in _WORD.findall(text)), config)

    def word(self, word: str) -> str:
        """`word` corrected, or `word` itself when it is known, short, or has no unambiguous correction."""
        low = word.lower()
        if len(low) < self.config.min_length or low in self._english or low in self.vocabulary:
            return word
        distance = 2 if len(low) >= self.config.long_word else 1
        suggestions = self._symspell.lookup(low, Verbosity.CLOSEST, max_edit_distance=distance)
        if not suggestions:
            return word
        best = suggestions[0].term
        if low.endswith(best) or (low.startswith(best) and len(low) - len(best) > 1):
            # a prefix or a contraction dropped: "esketamine" is not "ketamine", "shouldnt" is not "should"
            return word
        if len(suggestions) > 1 and suggestions[1].distance == suggestions[0].distance and suggestions[1].count == suggestions[0].count:
            return word  # two article words fit equally well: no guess
        return best.capitalize() if word[0].isupper() else best

    def corrected(self, text: str) -> str:
        """`text` with each misspelled word replaced by the article word it was meant to be; `text` itself when no
        word changes."""
        return _WORD.sub(lambda m: self.word(m.group(0)), text)
