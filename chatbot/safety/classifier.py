"""The statistical crisis layer: logistic regression over hashed word (1-3) and character (3-5)
n-grams of the normalised message, trained by scripts/train_crisis_classifier.py on ~4,000
labelled messages (the exemplar bank, the development sets and written training sets).

Measured on a blind set written by someone who never saw the lexicon, it catches what a
phrase list cannot (paraphrase, slang, risk buried in logistics) far better than the sentence
embeddings did. It is stored as plain arrays (crisis_classifier.npz, no pickle); feature hashing
needs no vocabulary, so scikit-learn's own HashingVectorizer rebuilds the features exactly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from chatbot.safety.lexicon import DATA_DIR

CLASSIFIER_FILE = DATA_DIR / "crisis_classifier.npz"
N_FEATURES = 2**18


def vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    """Word and character n-gram hashers; the text given to them is already normalised."""
    words = HashingVectorizer(ngram_range=(1, 3), n_features=N_FEATURES, alternate_sign=False, norm=None, lowercase=False)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=N_FEATURES, alternate_sign=False, norm=None, lowercase=False)
    return words, chars


def features(texts: Sequence[str], idf: np.ndarray | None = None) -> csr_matrix:
    """Sublinear term frequency times idf, L2-normalised (TF-IDF over hashed n-grams)."""
    words, chars = vectorizers()
    counts = hstack([words.transform(texts), chars.transform(texts)]).tocsr().astype(np.float64)
    counts.data = 1.0 + np.log(counts.data)
    if idf is not None:
        counts.data *= idf[counts.indices]
    return l2_normalize(counts)


@dataclass(frozen=True)
class CrisisClassifier:
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    provenance: dict[str, object] = field(default_factory=dict)

    def probability(self, normalised_texts: Sequence[str]) -> np.ndarray:
        if not normalised_texts:
            return np.zeros(0)
        logits = features(normalised_texts, self.idf) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.asarray(logits).ravel()))

    def save(self, path: Path = CLASSIFIER_FILE) -> None:
        nz = np.flatnonzero(self.coef)
        np.savez_compressed(
            path,
            index=nz.astype(np.int32),
            coef=self.coef[nz].astype(np.float32),
            idf=self.idf.astype(np.float32),
            scalars=np.array([self.intercept]),
            provenance=np.array(json.dumps(self.provenance)),
        )

    @classmethod
    def load(cls, path: Path = CLASSIFIER_FILE) -> CrisisClassifier | None:
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as data:
            coef = np.zeros(data["idf"].shape[0])
            coef[data["index"]] = data["coef"]
            provenance = json.loads(str(data["provenance"]))
            return cls(data["idf"].astype(np.float64), coef, float(data["scalars"][0]), provenance)
