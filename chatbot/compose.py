"""Extractive answers: a few verbatim sentences from the best passages, in reading order, each
group cited as a numbered source. Nothing is written that is not in a cited passage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from chatbot.answer_types import asked_kinds, holds_kind
from chatbot.retrieval import HybridRetriever
from chatbot.types import Citation, Hit
from index.lexical import tokenize

# A sentence opening like this leans on the one before it; quote that one too.
_LEANS_BACK = re.compile(r"^(this|that|these|those|it|its|they|their|such|but|however|that said|also|and|which|so|then|for most|in most)\b", re.I)
NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|half|dozen)\b|"
    r"\b(mg|milligrams?|mcg|ml|dose|doses|dosage)\b",
    re.I,
)


@dataclass(frozen=True)
class ComposerConfig:
    max_sentences: int = 4
    max_words: int = 120
    max_passages: int = 5  # passages sentences may come from
    passage_window: float = 0.15  # passages scoring within this of the best one may contribute
    sentence_floor: float = 0.25  # a supporting sentence needs at least this cosine with the question
    sentence_window: float = 0.15  # ... and to be within this of the best sentence
    overlap_weight: float = 0.15  # bonus for sharing the question's terms
    kind_weight: float = 0.10  # bonus for holding what the question asks for (a number, a duration, a price...)
    passage_weight: float = 0.10  # bonus for coming from a better passage (times the passage's score gap)
    faq_max_sentences: int = 6


@dataclass(frozen=True)
class Composition:
    body: str
    citations: tuple[Citation, ...]
    sentences: tuple[str, ...]
    best_sentence: float  # cosine of the question and the best selected sentence
    from_faq: bool


@dataclass(frozen=True)
class _Pick:
    hit_rank: int
    hit: Hit
    index: int  # sentence position within the chunk
    text: str
    score: float


class Composer:
    def __init__(self, retriever: HybridRetriever, config: ComposerConfig | None = None) -> None:
        self.retriever = retriever
        self.config = config or ComposerConfig()

    def compose(self, question: str, query_vector: np.ndarray, hits: Sequence[Hit], without_numbers: bool = False) -> Composition:
        if not hits:
            return Composition("", (), (), 0.0, False)
        top = hits[0]
        if top.faq >= self.retriever.config.faq_match and not without_numbers:
            picks = self._faq_picks(top, query_vector)
        else:
            picks = self._picks(question, query_vector, hits, without_numbers)
        return _render(picks, from_faq=bool(picks) and picks[0].hit.faq >= self.retriever.config.faq_match)

    def _faq_picks(self, hit: Hit, qv: np.ndarray) -> list[_Pick]:
        """The clinic's own answer is the answer (its best sentences, if it is long)."""
        scores = self.retriever.sentence_scores(hit, qv)
        keep = sorted(np.argsort(-scores)[: self.config.faq_max_sentences])
        return [_Pick(0, hit, int(i), hit.chunk.sentences[i], float(scores[i])) for i in keep]

    def _picks(self, question: str, qv: np.ndarray, hits: Sequence[Hit], without_numbers: bool) -> list[_Pick]:
        cfg = self.config
        terms = set(tokenize([question])[0])
        kinds = asked_kinds(question)
        passages = [h for h in hits[: cfg.max_passages] if h.score >= hits[0].score - cfg.passage_window]
        candidates: dict[str, _Pick] = {}
        for rank, hit in enumerate(passages):
            scores = self.retriever.sentence_scores(hit, qv)
            for i, text in enumerate(hit.chunk.sentences):
                if without_numbers and NUMBER.search(text):
                    continue
                overlap = len(terms & set(tokenize([text])[0])) / len(terms) if terms else 0.0
                kind = any(holds_kind(k, text, terms) for k in kinds)
                score = float(scores[i]) + cfg.overlap_weight * overlap + cfg.kind_weight * kind - cfg.passage_weight * (hits[0].score - hit.score)
                pick = _Pick(rank, hit, i, text, score)
                if text not in candidates or candidates[text].score < pick.score:
                    candidates[text] = pick
        ranked = sorted(candidates.values(), key=lambda p: p.score, reverse=True)
        if not ranked:
            return []
        best = ranked[0].score
        chosen: list[_Pick] = []
        for pick in ranked:
            if len(chosen) >= cfg.max_sentences or (chosen and (pick.score < best - cfg.sentence_window or pick.score < cfg.sentence_floor)):
                break
            chosen += [p for p in self._with_antecedent(pick, candidates, chosen) if p not in chosen]
        return _trim(chosen, cfg.max_words)

    def _with_antecedent(self, pick: _Pick, candidates: dict[str, _Pick], chosen: list[_Pick]) -> list[_Pick]:
        if pick.index == 0 or not _LEANS_BACK.match(pick.text):
            return [pick]
        before = pick.hit.chunk.sentences[pick.index - 1]
        if any(p.text == before for p in chosen):
            return [pick]
        return [_Pick(pick.hit_rank, pick.hit, pick.index - 1, before, pick.score), pick]


def _trim(picks: list[_Pick], max_words: int) -> list[_Pick]:
    kept, words = [], 0
    for pick in picks:
        n = len(pick.text.split())
        if kept and words + n > max_words:
            break
        kept.append(pick)
        words += n
    return kept


def _render(picks: Sequence[_Pick], from_faq: bool) -> Composition:
    """Group sentences by source (post and section), in the order the sources rank; cite each group once."""
    if not picks:
        return Composition("", (), (), 0.0, False)
    groups: dict[tuple[str, str], list[_Pick]] = {}
    for pick in sorted(picks, key=lambda p: (p.hit_rank, p.hit.chunk.position, p.index)):
        groups.setdefault((pick.hit.chunk.url, pick.hit.chunk.section), []).append(pick)
    parts, citations = [], []
    for number, group in enumerate(groups.values(), start=1):
        group.sort(key=lambda p: (p.hit.chunk.position, p.index))
        text = " ".join(p.text for p in group)
        parts.append(f"{text} [{number}]")
        hit = group[0].hit
        citations.append(Citation(hit.chunk.url, hit.chunk.title, _section_label(hit), text, hit.score, hit.chunk.chunk_id))
    return Composition(" ".join(parts), tuple(citations), tuple(p.text for p in picks), max(p.score for p in picks), from_faq)


def _section_label(hit: Hit) -> str:
    chunk = hit.chunk
    if chunk.kind == "faq" and chunk.question:
        return f"FAQ: {chunk.question}"
    return chunk.section
