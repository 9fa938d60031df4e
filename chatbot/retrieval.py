"""Hybrid retrieval: dense (FAISS) and lexical (BM25) candidates, fused by reciprocal rank, then
re-scored with the bi-encoder against each candidate's own sentences and FAQ question.

All vectors used for re-scoring were computed at index time: a query costs one embedding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from chatbot.answer_types import KINDS, asked_kinds
from chatbot.types import Hit
from index import Embedder, IndexVersion


@dataclass(frozen=True)
class RetrievalConfig:
    dense_k: int = 20  # FAISS candidates
    lexical_k: int = 20  # BM25 candidates
    sentence_k: int = 10  # chunks holding the sentences closest to the query
    rrf_k: int = 60  # reciprocal-rank-fusion constant (Cormack et al. 2009)
    w_dense: float = 0.60  # weight of the query-chunk cosine
    w_sentence: float = 0.35  # weight of the best query-sentence cosine inside the chunk
    w_lexical: float = 0.30  # weight of BM25, scaled to [0, 1] by the query's best BM25 score
    w_rrf: float = 9.0  # weight of the fused rank (1/(60+r) sums to at most ~0.033)
    faq_match: float = 0.78  # a query this close to one of the clinic's FAQ questions gets that FAQ first
    faq_bonus: float = 0.5
    kind_bonus: float = 0.10  # a sentence holding what the question asks for (a number, a duration...) counts this much more
    remove_common: bool = True  # sentence matching without the corpus's common direction (SIF, Arora et al. 2017)


class HybridRetriever:
    """Ranks an index version's chunks for a query."""

    def __init__(self, version: IndexVersion, config: RetrievalConfig | None = None) -> None:
        self.version = version
        self.config = config or RetrievalConfig()
        self._offsets = version.sentence_offsets
        self._is_faq = np.array([c.kind == "faq" and bool(c.question) for c in version.chunks])
        self._sentences, self._common = _without_common_direction(version.sentence_vectors, self.config.remove_common)
        sentences = [s for c in version.chunks for s in c.sentences]
        # which sentences hold a price, a duration, a count...: computed once, used for every query
        self._holds = {kind: np.array([bool(holds.search(s)) for s in sentences], dtype=np.float32) for kind, (_, holds) in KINDS.items()}

    def search(self, query: str, query_vector: np.ndarray, k: int = 5) -> list[Hit]:
        n = len(self.version.chunks)
        if n == 0:
            return []
        cfg = self.config
        _dense_scores, dense_rows = self.version.faiss.search(query_vector.reshape(1, -1).astype(np.float32), min(cfg.dense_k, n))
        dense_rank = {int(r): i for i, r in enumerate(dense_rows[0]) if r >= 0}
        lexical = self.version.lexical.scores(query)
        lexical_top = np.argsort(-lexical)[: cfg.lexical_k]
        lexical_rank = {int(r): i for i, r in enumerate(lexical_top) if lexical[r] > 0}
        sentence_scores = self.sentence_scores_all(query, query_vector)
        rows = sorted(set(dense_rank) | set(lexical_rank) | self._sentence_rows(sentence_scores))
        best_lexical = float(lexical.max()) if lexical.size else 0.0
        hits = [self._score(row, query_vector, sentence_scores, lexical, best_lexical, dense_rank, lexical_rank) for row in rows]
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:k]

    def _sentence_rows(self, scores: np.ndarray) -> set[int]:
        """Chunks holding the sentences nearest the query: a one-sentence answer inside a long passage."""
        if scores.shape[0] == 0:
            return set()
        k = min(self.config.sentence_k * 2, scores.shape[0])
        top = np.argpartition(-scores, k - 1)[:k]
        rows = np.searchsorted(self._offsets, top, side="right") - 1
        ordered = dict.fromkeys(int(r) for r in rows[np.argsort(-scores[top])])  # best first, each chunk once
        return set(list(ordered)[: self.config.sentence_k])

    def sentence_scores_all(self, query: str, query_vector: np.ndarray) -> np.ndarray:
        """Cosine of the query with every sentence, plus a bonus for holding what the question asks for."""
        scores = self._sentences @ self._query(query_vector)
        for kind in asked_kinds(query):
            scores = scores + self.config.kind_bonus * self._holds[kind]
        return scores

    def _score(
        self,
        row: int,
        qv: np.ndarray,
        sentence_scores: np.ndarray,
        lexical: np.ndarray,
        best_lexical: float,
        dense_rank: dict[int, int],
        lexical_rank: dict[int, int],
    ) -> Hit:
        cfg = self.config
        dense = float(self.version.chunk_vectors[row] @ qv)
        start, end = self._offsets[row], self._offsets[row + 1]
        sentence = float(sentence_scores[start:end].max()) if end > start else dense
        faq = float(self.version.question_vectors[row] @ qv) if self._is_faq[row] else 0.0
        fused = sum(1.0 / (cfg.rrf_k + 1 + ranks[row]) for ranks in (dense_rank, lexical_rank) if row in ranks)
        lexical_norm = float(lexical[row]) / best_lexical if best_lexical > 0 else 0.0
        score = cfg.w_dense * max(dense, faq) + cfg.w_sentence * sentence + cfg.w_lexical * lexical_norm + cfg.w_rrf * fused
        if faq >= cfg.faq_match:
            score += cfg.faq_bonus + faq
        return Hit(self.version.chunks[row], row, score, dense, float(lexical[row]), fused, sentence, faq)

    def sentence_scores(self, hit: Hit, query_vector: np.ndarray, raw: bool = False) -> np.ndarray:
        start, end = self._offsets[hit.row], self._offsets[hit.row + 1]
        if raw:
            return self.version.sentence_vectors[start:end] @ query_vector
        return self._sentences[start:end] @ self._query(query_vector)

    def context_scores(self, hit: Hit, query_vector: np.ndarray) -> np.ndarray:
        """Cosine of the query with each of the hit's sentences read in place (heading and the sentence before)."""
        start, end = self._offsets[hit.row], self._offsets[hit.row + 1]
        return self.version.context_vectors[start:end] @ query_vector

    def _query(self, query_vector: np.ndarray) -> np.ndarray:
        if self._common is None:
            return query_vector
        q = query_vector - (query_vector @ self._common) * self._common
        return q / (np.linalg.norm(q) or 1.0)


def _without_common_direction(vectors: np.ndarray, enabled: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Sentence vectors with their first principal direction removed: what every sentence of this blog shares
    ("ketamine", "patients", the clinic's voice) stops making generic sentences look relevant to every question."""
    if not enabled or vectors.shape[0] < 10:
        return vectors, None
    _, _, vt = np.linalg.svd(vectors.T @ vectors)
    common = vt[0].astype(np.float32)
    adjusted = vectors - np.outer(vectors @ common, common)
    norms = np.linalg.norm(adjusted, axis=1, keepdims=True)
    return np.ascontiguousarray(adjusted / np.maximum(norms, 1e-6), dtype=np.float32), common


class ClinicRetriever(BaseRetriever):
    """The hybrid retriever as a LangChain retriever, so it composes with LangChain chains."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    embedder: Embedder
    k: int = 4

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.retriever.search(query, self.embedder.encode_one(query), self.k)
        return [hit_document(hit) for hit in hits]


def hit_document(hit: Hit) -> Document:
    c = hit.chunk
    body = f"{c.question}\n{c.text}" if c.question else c.text
    metadata = {
        "chunk_id": c.chunk_id,
        "url": c.url,
        "title": c.title,
        "section": c.section,
        "kind": c.kind,
        "score": hit.score,
        "dense": hit.dense,
        "lexical": hit.lexical,
        "fused": hit.fused,
    }
    return Document(page_content=body, metadata=metadata, id=c.chunk_id)
