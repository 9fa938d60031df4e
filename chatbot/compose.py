"""Extractive answers: a few verbatim sentences from the best passages, in reading order, each
group cited as a numbered source. Nothing is written that is not in a cited passage."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from chatbot.answer_types import asked_kinds, holds_kind
from chatbot.retrieval import HybridRetriever
from chatbot.types import Citation, Hit
from index.lexical import terms as term_set
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
    max_sentences: int = 3  # per window
    max_words: int = 130
    max_passages: int = 5  # passages sentences may come from
    passage_window: float = 0.25  # passages scoring within this of the best one may contribute
    sentence_floor: float = 0.25  # a neighbouring sentence joins a window when it scores above this
    sentence_window: float = 0.25  # a second window (another passage) must score within this of the best
    neighbour_weight: float = 0.5  # how much a relevant neighbour adds to its window's score
    # A sentence's relevance mixes three cosines with the question, weighed on the dev sets (eval/qa-dev,
    # followups, shared dev-qa): the sentence alone, the sentence without the blog's common direction
    # (short generic lines like "Ketamine is not for everyone." stop matching every question), and the
    # sentence read in place (heading + the sentence before: "That account is not wrong, but it is
    # incomplete." answers a question about serotonin only in context).
    sif_weight: float = 0.5
    context_weight: float = 0.5  # the plain cosine gets what is left (1 - sif - context)
    length_weight: float = 0.05  # times log(words) - 3: a longer sentence says more than a short one that matches as well
    overlap_weight: float = 0.5  # bonus for sharing the question's (rarer) terms
    kind_weight: float = 0.05  # bonus for holding what the question asks for (a number, a duration, a price...)
    passage_weight: float = 0.10  # bonus for coming from a better passage (times the passage's score gap)
    faq_max_sentences: int = 6
    min_words: int = 6  # shorter sentences ("Journal.") say too little on their own


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
        chunks = retriever.version.chunks
        df: Counter[str] = Counter(t for tokens in tokenize([c.embed_text for c in chunks]) for t in set(tokens))
        self._idf = {t: math.log(1 + len(chunks) / n) for t, n in df.items()}
        self._default_idf = math.log(1 + len(chunks))

    def _overlap(self, terms: set[str], text: str) -> float:
        """Share of the question's terms (weighted by rarity, IDF) that the sentence contains."""
        if not terms:
            return 0.0
        weight = {t: self._idf.get(t, self._default_idf) for t in terms}
        found = terms & term_set(text)
        return sum(weight[t] for t in found) / sum(weight.values())

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
        """The best window of consecutive sentences, plus a second window from another passage if nearly as good.

        A window reads as a passage, not as sentences torn from their neighbours; a neighbour joins
        the window when it is relevant enough to the question (above `sentence_floor`)."""
        cfg = self.config
        terms = set(term_set(question))
        kinds = asked_kinds(question)
        passages = [h for h in hits[: cfg.max_passages] if h.score >= hits[0].score - cfg.passage_window]
        windows: list[tuple[float, list[_Pick]]] = []
        for rank, hit in enumerate(passages):
            words = np.array([len(s.split()) for s in hit.chunk.sentences], dtype=np.float32)
            scores = self._relevance(hit, qv, words)
            picks = []
            for i, text in enumerate(hit.chunk.sentences):
                overlap = self._overlap(terms, text)
                kind = any(holds_kind(k, text, terms) for k in kinds)
                score = float(scores[i]) + cfg.overlap_weight * overlap + cfg.kind_weight * kind - cfg.passage_weight * (hits[0].score - hit.score)
                usable = not (without_numbers and NUMBER.search(text)) and words[i] >= cfg.min_words
                picks.append(_Pick(rank, hit, i, text, score if usable else -1.0))
            windows += self._windows(picks)
        windows.sort(key=lambda w: w[0], reverse=True)
        if not windows or windows[0][0] < 0:
            return []
        best_score, chosen = windows[0]
        for score, window in windows[1:]:
            if score < best_score - cfg.sentence_window or score < cfg.sentence_floor:
                break
            texts = {p.text for p in chosen}
            if window[0].hit.chunk.section == chosen[0].hit.chunk.section and window[0].hit.chunk.url == chosen[0].hit.chunk.url:
                continue  # the same section again (overlapping chunks): one window from it is enough
            if not texts & {p.text for p in window} and _words(chosen) + _words(window) <= cfg.max_words:
                chosen = chosen + window
                break
        return chosen

    def _relevance(self, hit: Hit, qv: np.ndarray, words: np.ndarray) -> np.ndarray:
        cfg = self.config
        plain = self.retriever.sentence_scores(hit, qv, raw=True)
        sif = self.retriever.sentence_scores(hit, qv)
        context = self.retriever.context_scores(hit, qv)
        length = np.log(np.maximum(words, 1.0)) - 3.0  # 0 at ~20 words
        return (1 - cfg.sif_weight - cfg.context_weight) * plain + cfg.sif_weight * sif + cfg.context_weight * context + cfg.length_weight * length

    def _windows(self, picks: list[_Pick]) -> list[tuple[float, list[_Pick]]]:
        """Every run of 1..max_sentences consecutive usable sentences, scored by its best sentence plus
        what its other sentences add above the relevance floor (below it they cost)."""
        cfg = self.config
        out = []
        for i in range(len(picks)):
            for j in range(i, min(i + cfg.max_sentences - 1, len(picks))):
                run = picks[i : j + 1]
                if any(p.score < 0 for p in run) or _words(run) > cfg.max_words:
                    break
                best = max(p.score for p in run)
                extra = sum(p.score - cfg.sentence_floor for p in run) - (best - cfg.sentence_floor)
                out.append((best + cfg.neighbour_weight * extra, self._with_antecedent(run)))
        return out

    def _with_antecedent(self, run: list[_Pick]) -> list[_Pick]:
        """A window that opens with "This..." or "That said..." takes the sentence before it too."""
        first = run[0]
        if first.index == 0 or not _LEANS_BACK.match(first.text):
            return run
        before = first.hit.chunk.sentences[first.index - 1]
        return [_Pick(first.hit_rank, first.hit, first.index - 1, before, first.score), *run]


def _words(picks: Sequence[_Pick]) -> int:
    return sum(len(p.text.split()) for p in picks)


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
