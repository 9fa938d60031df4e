"""Extractive answers: a few verbatim sentences from the best passages, in reading order, each
group cited as a numbered source. Nothing is written that is not in a cited passage."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from chatbot.answer_types import SELF_EVIDENT_KINDS, answers_kind, asked_kinds, holds_kind
from chatbot.rerank import CrossEncoder
from chatbot.retrieval import HybridRetriever
from chatbot.types import Citation, Hit
from index.lexical import terms as term_set
from index.lexical import tokenize
from ingest.text import defined_abbreviations, with_long_forms

# A sentence opening like this leans on the one before it; quote that one too.
_LEANS_BACK = re.compile(r"^(this|that|these|those|it|its|they|their|such|but|however|that said|also|and|which|so|then|for most|in most)\b", re.I)
NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|half|dozen)\b|"
    r"\b(mg|milligrams?|mcg|ml|dose|doses|dosage)\b",
    re.I,
)
# A sentence that opens with a verdict: "Yes, and we actively encourage it.", "In most cases, yes, ...", "Not
# necessarily." It answers its own FAQ question; quoted as general information after a patient's personal question
# ("I have afib, can I still get ketamine?") it would read as a yes or a no for that patient.
VERDICT = re.compile(
    r"^\W*(?:(?:in (?:most|many|some) cases|usually|generally|typically|often|mostly|for most (?:people|patients)),?\s+)?"
    r"(?:yes|no|yeah|nope|not necessarily|not usually|not always|not really|not at all|absolutely|definitely|of course|certainly)\s*[.,;:!]",
    re.I,
)


def general(text: str) -> bool:
    """May `text` be quoted as general information after a medical-advice referral? Not when it holds a number or a
    dose word (DESIGN: never a number) or opens with a verdict (`VERDICT`)."""
    return not NUMBER.search(text) and not VERDICT.match(text)


@dataclass(frozen=True)
class ComposerConfig:
    max_words: int = 110  # whole answer
    max_passages: int = 8  # retrieved passages whose sentences may be candidates
    candidates: int = 12  # sentences (by the bi-encoder) around which windows are read by the cross-encoder (~16 pairs)
    bi_weight: float = 1.0  # a window's rank: cross-encoder logit + this times its best bi-encoder score (fact in the best window, dev sets: 0.74 -> 0.76)
    # a second window, not overlapping the first, must rank within this of the best (fact in the answer, dev sets:
    # 0.80 -> 0.82, ~65 words) ...
    second_margin: float = 3.0
    # ... and its cross-encoder logit reach the abstention floor (AbstainConfig.min_rerank): a window that could be an
    # answer on its own. Was -3.0 and another section only: fact in the answer 426 -> 430/564 on the development sets,
    # 103 -> 108/146 on blind sets 5 and 6, median answer 58 -> 63 words
    second_floor: float = -6.0
    # The candidate pre-ranking (bi-encoder, vectors computed at ingest): three cosines with the question,
    # weighed on the dev sets (eval/qa-dev, followups, shared dev-qa): the sentence alone, the sentence without
    # the blog's common direction, and the sentence read in place (heading + the sentence before).
    sif_weight: float = 0.5
    context_weight: float = 0.5  # the plain cosine gets what is left (1 - sif - context)
    length_weight: float = 0.05  # times log(words) - 3: a longer sentence says more than a short one that matches as well
    overlap_weight: float = 0.5  # bonus for sharing the question's (rarer) terms
    kind_weight: float = 0.05  # bonus for holding what the question asks for (a number, a duration, a price...)
    min_words: int = 6  # shorter sentences ("Journal.") say too little on their own
    # When the question asks for a kind of thing (a price, a duration, a count...) and the best window holds none, the
    # best of the next windows that holds it and could be an answer (logit >= second_floor) comes first instead.
    # Development sets: fact in the answer 442 -> 446/564, wrongly refused 38 -> 34, unanswerable refused 237 -> 236
    kind_reach: int = 12


@dataclass(frozen=True)
class Composition:
    body: str
    citations: tuple[Citation, ...]
    sentences: tuple[str, ...]
    rerank: float  # the cross-encoder's logit for the best-ranked window (-inf when nothing was selected)
    ranked_rows: tuple[int, ...] = ()  # index rows of the passages, best first by their best cross-encoder score
    scored: tuple[tuple[str, float], ...] = ()  # (window, cross-encoder logit) for every window read, best-ranked first: the "why" view


@dataclass(frozen=True)
class _Pick:
    hit_rank: int
    hit: Hit
    index: int  # sentence position within the chunk
    text: str
    score: float


EMPTY = Composition("", (), (), float("-inf"))


class Composer:
    """Picks the answer: candidate sentences by the bi-encoder (cheap), then the cross-encoder reads each
    (question, sentence in place) pair and the best-scoring sentence, with the neighbours that score nearly as
    well, is the answer — verbatim, cited."""

    def __init__(self, retriever: HybridRetriever, reranker: CrossEncoder, config: ComposerConfig | None = None) -> None:
        self.retriever = retriever
        self.reranker = reranker
        self.config = config or ComposerConfig()
        chunks = retriever.version.chunks
        df: Counter[str] = Counter(t for tokens in tokenize([c.embed_text for c in chunks]) for t in set(tokens))
        self._idf = {t: math.log(1 + len(chunks) / n) for t, n in df.items()}
        self._default_idf = math.log(1 + len(chunks))
        # "SGB coverage also varies" is read as "Stellate ganglion block (SGB) coverage also varies": the cross-encoder
        # cannot know the articles' abbreviations ("does insurance pay for the stellate ganglion block?": logit -11.1
        # for the window as written, 4.0 spelled out). Fact in the answer, same harness: development sets 452 -> 455/564,
        # blind sets 5-8 244 -> 245/310, blind set 9 63 -> 64/82; refusals unchanged
        self.abbreviations = defined_abbreviations(s for c in chunks for s in c.sentences)

    def _overlap(self, terms: set[str], text: str) -> float:
        """Share of the question's terms (weighted by rarity, IDF) that the sentence contains."""
        if not terms:
            return 0.0
        weight = {t: self._idf.get(t, self._default_idf) for t in terms}
        found = terms & term_set(text)
        return sum(weight[t] for t in found) / sum(weight.values())

    def compose(self, question: str, query_vector: np.ndarray, hits: Sequence[Hit], general_only: bool = False, also: str = "") -> Composition:
        """The answer for `question` from `hits` (best first). `general_only`: general information for a medical-advice
        request, every sentence (and the one before it that a window quotes) passes `general`.

        `also`: another reading of the question; each window's logit is then the mean of its logits for both. Two
        uses: the follow-up as typed, when `question` is it appended to the turn it leans on ("how many infusions are
        in the series? what happens after the series is finished?"), since the joined question alone is best answered
        by the answer to its first part (follow-up sets, same harness: development 112 -> 113/137 facts in the answer,
        blind sets 5-7 52 -> 55/68, no refusal added); and the sentences that ask in a long message with context
        around them (condense.question_focus)."""
        if not hits:
            return EMPTY
        candidates = self._candidates(question, query_vector, hits[: self.config.max_passages], general_only)
        windows = _windows(candidates, general_only)
        if not windows:
            return EMPTY
        texts = [with_long_forms(_in_place(w), self.abbreviations) for w in windows]
        logits = self.reranker.score(question, texts)
        if also and also != question:
            logits = (np.asarray(logits) + np.asarray(self.reranker.score(also, texts))) / 2
        ranked = sorted(
            ((float(s) + self.config.bi_weight * max(p.score for p in w), float(s), w) for s, w in zip(logits, windows, strict=True)),
            key=lambda x: x[0],
            reverse=True,
        )
        picks = self._select(self._holding_first(question, ranked))
        ranked_rows = tuple(dict.fromkeys(w[0].hit.row for _, _, w in ranked))
        composition = _render(picks, ranked_rows)
        scored = tuple((" ".join(p.text for p in w), round(s, 3)) for _, s, w in ranked)
        return replace(composition, scored=scored)

    def _candidates(self, question: str, qv: np.ndarray, hits: Sequence[Hit], general_only: bool) -> list[_Pick]:
        """The sentences the bi-encoder ranks highest (each text once), for the cross-encoder to read."""
        cfg = self.config
        terms = set(term_set(question))
        kinds = asked_kinds(question)
        seen: dict[str, _Pick] = {}
        for rank, hit in enumerate(hits):
            words = np.array([len(s.split()) for s in hit.chunk.sentences], dtype=np.float32)
            scores = self._relevance(hit, qv, words)
            for i, text in enumerate(hit.chunk.sentences):
                if words[i] < cfg.min_words or (general_only and not general(text)):
                    continue
                kind = any(holds_kind(k, text, terms) for k in kinds)
                score = float(scores[i]) + cfg.overlap_weight * self._overlap(terms, text) + cfg.kind_weight * kind
                if text not in seen or seen[text].score < score:
                    seen[text] = _Pick(rank, hit, i, text, score)
        return sorted(seen.values(), key=lambda p: p.score, reverse=True)[: cfg.candidates]

    def _relevance(self, hit: Hit, qv: np.ndarray, words: np.ndarray) -> np.ndarray:
        cfg = self.config
        plain = self.retriever.sentence_scores(hit, qv, raw=True)
        sif = self.retriever.sentence_scores(hit, qv)
        context = self.retriever.context_scores(hit, qv)
        length = np.log(np.maximum(words, 1.0)) - 3.0  # 0 at ~20 words
        return (1 - cfg.sif_weight - cfg.context_weight) * plain + cfg.sif_weight * sif + cfg.context_weight * context + cfg.length_weight * length

    def _holding_first(self, question: str, ranked: list[tuple[float, float, list[_Pick]]]) -> list[tuple[float, float, list[_Pick]]]:
        """`ranked`, with the best window that holds every kind of thing the question asks for moved first when the
        best one holds none ("how long are the infusion sessions?": "two 2-hour in-office infusion sessions" over a
        topical window on the sessions with no length)."""
        kinds = asked_kinds(question)
        if not kinds:
            return ranked
        focus = set(term_set(question))

        def holds(window: list[_Pick]) -> bool:
            texts = [p.text for p in _with_antecedent(window)]
            return all(any(answers_kind(kind, question, text, focus) for text in texts) for kind in kinds)

        if holds(ranked[0][2]):
            return ranked
        evident = set(kinds) <= SELF_EVIDENT_KINDS  # the clinic's email or phone: held is answered, whatever the logit
        for i, (_, logit, window) in enumerate(ranked[1 : self.config.kind_reach], start=1):
            if (logit >= self.config.second_floor or evident) and holds(window):
                return [ranked[i], *ranked[:i], *ranked[i + 1 :]]
        return ranked

    def _select(self, ranked: list[tuple[float, float, list[_Pick]]]) -> list[_Pick]:
        """The best window (with its antecedent when it leans back: "This..."); then the next window that does not
        share a sentence with it and keeps the answer short, if it ranks nearly as well. `ranked`: (rank score, logit,
        window), best first; each pick carries its window's cross-encoder logit."""
        cfg = self.config
        best_rank, best_logit, best = ranked[0]
        chosen = [replace(p, score=best_logit) for p in _with_antecedent(best)]
        for rank, score, window in ranked[1:]:
            if rank < best_rank - cfg.second_margin or score < cfg.second_floor:
                break
            extra = [replace(p, score=score) for p in _with_antecedent(window)]
            if {p.text for p in extra} & {p.text for p in chosen}:
                continue  # the same sentences again: the next window
            if _words(chosen) + _words(extra) <= cfg.max_words:
                return chosen + extra
            # too long to add: a shorter window that ranks nearly as well may still fit (it stopped here before:
            # fact in the answer 434 -> 443/564 on the development sets, refusals unchanged, median 63 -> 70 words)
        return chosen


def _windows(candidates: Sequence[_Pick], general_only: bool) -> list[list[_Pick]]:
    """Every pair of consecutive sentences around each candidate (the one before it and it, it and the one after),
    each once; a passage of a single sentence is its own window. These are what the cross-encoder reads and
    what is quoted: a pair reads as a passage and carries the answer far more often than one sentence alone."""
    seen: dict[tuple[str, int], list[_Pick]] = {}
    texts: set[str] = set()
    for c in candidates:
        sentences = c.hit.chunk.sentences
        starts = [c.index] if len(sentences) == 1 else [i for i in (c.index - 1, c.index) if i >= 0 and i + 1 < len(sentences)]
        for start in starts:
            span = sentences[start : start + 2]
            key = " ".join(span)
            if (c.hit.chunk.chunk_id, start) in seen or key in texts:
                continue
            window = [_Pick(c.hit_rank, c.hit, start + k, t, c.score) for k, t in enumerate(span)]
            if general_only and not all(general(p.text) for p in _with_antecedent(window)):
                continue  # quoted with the sentence it leans on: that one must be general too
            texts.add(key)
            seen[(c.hit.chunk.chunk_id, start)] = window
    return list(seen.values())


def _with_antecedent(run: list[_Pick]) -> list[_Pick]:
    """A window that opens with "This..." or "That said..." takes the sentence before it too."""
    first = run[0]
    if first.index == 0 or not _LEANS_BACK.match(first.text):
        return run
    before = first.hit.chunk.sentences[first.index - 1]
    return [_Pick(first.hit_rank, first.hit, first.index - 1, before, first.score), *run]


def _in_place(window: Sequence[_Pick]) -> str:
    """What the cross-encoder reads for a window: exactly what would be quoted (with the sentence before when the
    window leans back on it), under its heading or FAQ question."""
    run = _with_antecedent(list(window))
    chunk = run[0].hit.chunk
    head = chunk.question if chunk.kind == "faq" and chunk.question else chunk.section
    return " ".join(p for p in (f"{head}." if head else "", *(p.text for p in run)) if p)


def _words(picks: Sequence[_Pick]) -> int:
    return sum(len(p.text.split()) for p in picks)


def _render(picks: Sequence[_Pick], ranked_rows: tuple[int, ...]) -> Composition:
    """Group sentences by source (post and section), best source first; cite each group once."""
    if not picks:
        return replace(EMPTY, ranked_rows=ranked_rows)
    best = picks[0]  # the best-ranked window comes first
    groups: dict[tuple[str, str], list[_Pick]] = {}
    for pick in picks:  # picks come best window first
        groups.setdefault((pick.hit.chunk.url, pick.hit.chunk.section), []).append(pick)
    parts, citations = [], []
    for number, group in enumerate(groups.values(), start=1):
        group.sort(key=lambda p: (p.hit.chunk.position, p.index))
        citation = Citation.from_hit(group[0].hit, [p.text for p in group], max(p.score for p in group))
        parts.append(f"{citation.snippet} [{number}]")
        citations.append(citation)
    return Composition(" ".join(parts), tuple(citations), tuple(p.text for p in picks), best.score, ranked_rows)
