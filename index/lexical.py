"""BM25 over the same chunks as the vectors (bm25s: sparse matrices, saved without pickle)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

logging.getLogger("bm25s").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def terms(text: str) -> frozenset[str]:
    """The set of stemmed terms of one text (cached: passages and questions recur)."""
    return frozenset(tokenize([text])[0])


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stop-worded, Snowball-stemmed terms: the same for documents and queries."""
    result = bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False)
    return [list(t) for t in result]


class LexicalIndex:
    """Okapi BM25 scores of a query against every chunk."""

    def __init__(self, bm25: bm25s.BM25, size: int) -> None:
        self._bm25 = bm25
        self.size = size

    @classmethod
    def build(cls, documents: Sequence[str]) -> LexicalIndex:
        bm25 = bm25s.BM25()
        if documents:
            bm25.index(bm25s.tokenize(list(documents), stopwords="en", stemmer=_stemmer(), show_progress=False), show_progress=False)
        return cls(bm25, len(documents))

    def save(self, directory: Path) -> None:
        self._bm25.save(str(directory), show_progress=False, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory), show_progress=False, allow_pickle=False), size)

    def vocabulary(self) -> set[str]:
        """Every stemmed term of the indexed chunks."""
        return set(self._bm25.vocab_dict) if getattr(self._bm25, "vocab_dict", None) else set()

    def scores(self, query: str) -> np.ndarray:
        terms = tokenize([query])[0]
        if not terms or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
