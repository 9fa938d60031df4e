"""The Assistant: route first (by code), retrieve, refuse when nothing is good enough, compose,
then wrap every reply in the safety envelope — in that order, in this one place.

    validate -> safety route (crisis, emergency, medical advice) -> condense follow-ups -> retrieve
    -> out of scope? -> compose (extractive) -> covered? -> envelope
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from chatbot.abstain import AbstainConfig, AnswerabilityJudge
from chatbot.compose import Composer, ComposerConfig, Composition
from chatbot.condense import leans_on, people_named, question_focus, standalone, topic_shift, user_turns, with_earlier_turns
from chatbot.generate import GeneratorError, GroundingGuard, PassageText, resting_on
from chatbot.generate.base import Generator
from chatbot.language import LanguageGate
from chatbot.lay_terms import LayTerms
from chatbot.rerank import CrossEncoder
from chatbot.retrieval import HybridRetriever, RetrievalConfig
from chatbot.safety import messages as m
from chatbot.safety.detector import SafetyAssessment, SafetyConfig, SafetyDetector
from chatbot.safety.envelope import wrap
from chatbot.spelling import Speller
from chatbot.types import MAX_QUESTION_CHARS, Answer, Citation, Hit, InvalidInput, Message, Route, Trace, section_label
from index import Embedder, IndexStore, IndexVersion

log = logging.getLogger(__name__)

MAX_SCANNED_CHARS = 20_000  # a too-long message is still scanned for crisis signals, up to this


@dataclass(frozen=True)
class AssistantConfig:
    max_question_chars: int = MAX_QUESTION_CHARS
    top_k: int = 8  # passages retrieved; their sentences are the cross-encoder's candidates
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    composer: ComposerConfig = field(default_factory=ComposerConfig)
    abstain: AbstainConfig = field(default_factory=AbstainConfig)
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    generation_passages: int = 4  # passages a generator may phrase from
    generator_judge: bool = False  # ask the model "is this sentence supported?" after the guard's own checks


class Assistant:
    """Answers questions from one loaded index version. Thread-safe: it holds no per-request state."""

    def __init__(
        self,
        version: IndexVersion,
        embedder: Embedder,
        detector: SafetyDetector,
        config: AssistantConfig | None = None,
        generator: Generator | None = None,
        reranker: CrossEncoder | None = None,
        lay_terms: LayTerms | None = None,
    ) -> None:
        self.config = config or AssistantConfig()
        self.generator = generator
        self.guard = GroundingGuard(judge=generator.supported if generator is not None and self.config.generator_judge else None)
        self.version = version
        self.embedder = embedder
        self.detector = detector
        self.retriever = HybridRetriever(version, self.config.retrieval)
        self.reranker = reranker or CrossEncoder()
        self.composer = Composer(self.retriever, self.reranker, self.config.composer)
        self.language = LanguageGate.from_texts(c.text for c in version.chunks)
        self.people = people_named(c.text for c in version.chunks)
        self.lay_terms = lay_terms or LayTerms.load()
        self.speller = Speller.from_texts(c.text for c in version.chunks)
        self.judge = AnswerabilityJudge.from_chunks([c.embed_text for c in version.chunks], version.lexical.vocabulary(), self.config.abstain)

    @classmethod
    def load(cls, store: IndexStore, embedder: Embedder | None = None, config: AssistantConfig | None = None, generator: Generator | None = None) -> Assistant:
        """Load the serving index version (rolling back past a corrupt one) and the model, once."""
        embedder = embedder or Embedder()
        version, _ = store.load_serving(embedder.name, embedder.dimension)
        config = config or AssistantConfig()
        return cls(version, embedder, SafetyDetector.load(embedder.encode, config.safety), config, generator)

    def with_version(self, version: IndexVersion) -> Assistant:
        """The same assistant over a newly published index version (models and detector reused)."""
        return Assistant(version, self.embedder, self.detector, self.config, self.generator, self.reranker, self.lay_terms)

    # --- the pipeline -----------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer:
        started = time.perf_counter()
        crisis_active = self.crisis_turn(history)
        problem = self._invalid(question)
        if problem is not None:
            # never answered as routine: a message too long or garbled to answer is still scanned for risk
            if isinstance(question, str) and self.detector.lexical_crisis(question[:MAX_SCANNED_CHARS])[0]:
                return self._finish(started, question, "crisis", "", crisis_active=crisis_active)
            return self._refused(started, question, problem, crisis_active)
        query_vector = self.embedder.encode_one(question)
        safety = self.detector.assess(question, query_vector)
        if safety.route == "crisis" and not crisis_active:
            # "and the day of it?" after "what do I do to prepare for SGB?": read with the question it follows
            safety = self._read_with_earlier_turns(question, safety, user_turns(history))
        if safety.route not in ("crisis", "emergency"):
            in_context = self.detector.in_context(question, [u[:MAX_SCANNED_CHARS] for u in user_turns(history)])
            if in_context:  # "how many would it take" after "I have a full bottle of lithium at home"
                safety = replace(safety, route="crisis", signals=(*safety.signals, *in_context))
        if safety.route == "crisis":
            body = m.EMERGENCY_CARD if safety.emergency else ""
            return self._finish(started, question, "crisis", body, safety=safety, crisis_active=crisis_active)
        if safety.route == "emergency":
            return self._finish(started, question, "emergency", m.EMERGENCY_CARD, safety=safety, crisis_active=crisis_active)
        if safety.route == "social":
            return self._finish(started, question, "social", m.SOCIAL_REPLIES[safety.social], safety=safety, crisis_active=crisis_active)
        language = self.language.other_language(question) if safety.route != "medical_advice" else None
        if language is not None:
            trace = Trace(abstain_reason=f"written in {language.name.title()}; the articles are English", thresholds=self._thresholds())
            return self._finish(started, question, "not_found", LanguageGate.reply(language), safety=safety, trace=trace, crisis_active=crisis_active)
        # "different question: ..." is answered on its own; "btw ..." is read without its opening; "infusoin" is read
        # as "infusion"; "the drip" as "the drip (the infusion)"
        shifted_text, shifted = topic_shift(question)
        asked = self.speller.corrected(shifted_text)
        glossed = self.lay_terms.clinical(asked)
        context: Sequence[Message] = () if shifted else history
        retrieval_text, joined = with_earlier_turns(glossed, context)
        vector = self.embedder.encode_one(retrieval_text) if joined or glossed != question else query_vector
        hits = self.retriever.search(retrieval_text, vector, self.config.top_k)
        trace = Trace(retrieval_text, joined, tuple(hits), thresholds=self._thresholds())
        if safety.route == "medical_advice":
            return self._medical_advice(started, question, retrieval_text, vector, hits, safety, trace, crisis_active)
        off_topic = self.judge.out_of_scope(retrieval_text, hits)
        if off_topic is not None:
            trace = replace(trace, abstain_reason=off_topic.reason)
            return self._finish(started, question, "out_of_scope", m.OUT_OF_SCOPE, safety=safety, trace=trace, crisis_active=crisis_active)
        # made standalone from earlier turns, which were not glossed: "combine the two" after "the nerve block" turn
        rerank_text = self.lay_terms.clinical(standalone(glossed, context, self.people)) if joined else glossed
        appended = rerank_text != glossed and rerank_text.endswith(f"? {glossed}")  # not rewritten: joined to its anchor
        # also read as typed when only appended to its anchor; a long message, also by the sentences that ask
        composition = self.composer.compose(rerank_text, vector, hits, also=glossed if appended else question_focus(rerank_text))
        trace = _reranked(replace(trace, rerank_query=rerank_text), composition)
        uncovered = self.judge.not_covered(self.lay_terms.replaced(asked), hits, composition, retrieval_text)
        if uncovered is not None:
            trace = replace(trace, abstain_reason=uncovered.reason)
            return self._finish(started, question, "not_found", m.NOT_FOUND, safety=safety, trace=trace, crisis_active=crisis_active)
        if self.generator is not None:
            return self._generated(started, question, history, hits, composition, safety, _cited(trace, composition), crisis_active)
        return self._finish(started, question, "answered", composition.body, composition.citations, safety, _cited(trace, composition), crisis_active)

    def _generated(
        self,
        started: float,
        question: str,
        history: Sequence[Message],
        hits: list[Hit],
        composition: Composition,
        safety: SafetyAssessment,
        trace: Trace,
        crisis_active: int,
    ) -> Answer:
        """The model phrases the answer from the passages; the guard keeps only grounded sentences;
        anything short of that (an error, a timeout, a contradiction, too little left) is the extractive answer."""
        assert self.generator is not None
        shown = hits[: self.config.generation_passages]
        passages = [
            PassageText(i, h.chunk.title, section_label(h.chunk), f"{h.chunk.question} {h.chunk.text}" if h.chunk.question else h.chunk.text)
            for i, h in enumerate(shown, start=1)
        ]
        info: dict[str, Any] = {"generator": self.generator.name}
        try:
            draft = self.generator.draft(question, list(history), passages)
        except GeneratorError as exc:
            info["fallback"] = f"model unavailable: {exc}"
            return self._finish(started, question, "answered", composition.body, composition.citations, safety, replace(trace, generation=info), crisis_active)
        result = self.guard.check(draft, passages, question)
        info.update(draft=draft, kept=result.kept, dropped=[{"sentence": s, "reason": r} for s, r in result.dropped], fallback=result.fallback)
        if not result.used:
            return self._finish(started, question, "answered", composition.body, composition.citations, safety, replace(trace, generation=info), crisis_active)
        # each cited passage's snippet: its sentences the kept ones rest on (the rule of the extractive answer's citations)
        citations = tuple(Citation.from_hit(shown[n - 1], resting_on(result.kept, n, shown[n - 1].chunk.sentences), shown[n - 1].score) for n in result.cited)
        trace = replace(trace, cited_chunk_ids=tuple(c.chunk_id for c in citations), generation=info)
        return self._finish(started, question, "answered", result.text, citations, safety, trace, crisis_active)

    def _medical_advice(
        self, started: float, question: str, text: str, vector: np.ndarray, hits: list[Hit], safety: SafetyAssessment, trace: Trace, crisis_active: int
    ) -> Answer:
        """The referral first; general information from the articles may follow, never a number."""
        composition = self.composer.compose(text, vector, hits, general_only=True)
        usable = (
            composition.sentences
            and composition.rerank >= self.config.abstain.min_rerank_general
            and self.judge.not_covered(text, hits, composition, text) is None
            and self.judge.out_of_scope(text, hits) is None
        )
        body = m.MEDICAL_ADVICE_REFERRAL
        if usable:
            body += f"\n\n{m.MEDICAL_ADVICE_GENERAL_INTRO} {composition.body}"
            return self._finish(started, question, "medical_advice", body, composition.citations, safety, _cited(trace, composition), crisis_active)
        return self._finish(started, question, "medical_advice", body, safety=safety, trace=trace, crisis_active=crisis_active)

    def _finish(
        self,
        started: float,
        question: str,
        route: Route,
        body: str,
        citations: Sequence[Citation] = (),
        safety: SafetyAssessment | None = None,
        trace: Trace | None = None,
        crisis_active: int = 0,
        invalid: InvalidInput | None = None,
    ) -> Answer:
        """`crisis_active`: 0, or a count of the conversation's turns when an earlier turn was a crisis (see crisis_turn);
        `invalid`: why, on the invalid_input route."""
        envelope = wrap(route, body, citations, crisis_active, crisis_active, crisis_too=bool(safety and safety.crisis_too))
        return Answer(
            question=question,
            route=route,
            text=envelope.text,
            body=body,
            citations=envelope.citations,
            disclaimer=envelope.disclaimer,
            disclaimer_full=envelope.disclaimer_full,
            crisis_resources=envelope.crisis_resources,
            envelope=envelope,
            latency_ms=(time.perf_counter() - started) * 1000,
            signals=safety.signals if safety else (),
            trace=trace or Trace(thresholds=self._thresholds()),
            invalid=invalid,
        )

    def _invalid(self, question: object) -> InvalidInput | None:
        if not isinstance(question, str):
            return InvalidInput.NOT_TEXT
        if "\x00" in question or _mostly_unreadable(question):
            return InvalidInput.NOT_TEXT
        if not question.strip():
            return InvalidInput.EMPTY
        if len(question) > self.config.max_question_chars:
            return InvalidInput.TOO_LONG
        return None

    def _refused(self, started: float, question: str, problem: InvalidInput, crisis_active: int = 0) -> Answer:
        """The invalid_input reply for `problem`, which the Answer carries (the API's status is chosen from it)."""
        if problem is InvalidInput.TOO_LONG:
            body = m.INVALID_TOO_LONG.format(limit=self.config.max_question_chars)
        else:
            body = {InvalidInput.NOT_TEXT: m.INVALID_NOT_TEXT, InvalidInput.EMPTY: m.INVALID_EMPTY, InvalidInput.RATE_LIMITED: m.RATE_LIMITED}[problem]
        return self._finish(started, question, "invalid_input", body, crisis_active=crisis_active, invalid=problem)

    def crisis_turn(self, history: Sequence[Message]) -> int:
        """0 when no earlier turn of the conversation was a crisis; else 1 + the number of earlier messages,
        which picks the caring line of the short card (a different one on each later reply)."""
        return 1 + len(history) if self.crisis_in_history(history) else 0

    def crisis_in_history(self, history: Sequence[Message]) -> bool:
        """Did an earlier turn of this conversation signal a crisis? Then every later reply keeps the card."""
        users = [t.get("content", "") for t in history if t.get("role") == "user" and isinstance(t.get("content"), str)]
        if any(card in str(t.get("content", "")) for t in history if t.get("role") == "assistant" for card in (m.CRISIS_CARD_TITLE, m.CRISIS_CARD_SHORT)):
            return True
        if any(self.detector.lexical_crisis(text[:MAX_SCANNED_CHARS])[0] for text in users):
            return True
        # the full check (classifier, exemplars) for the recent turns: memoised, so usually free; a follow-up fragment
        # is judged as it was when asked, with the turns before it (`_read_with_earlier_turns`)
        start = max(0, len(users) - 5)
        return any(
            self.detector.was_crisis(u[:MAX_SCANNED_CHARS]) and not self._routine_follow_up(u, users[:i])
            for i, u in enumerate(users[start:], start=start)
            if u.strip()
        )

    def _routine_follow_up(self, message: str, earlier: list[str]) -> bool:
        """Did the detector alone call `message` a crisis, and its reading with the `earlier` turns not?"""
        alone = self.detector.assess(message[:MAX_SCANNED_CHARS])
        return alone.route == "crisis" and self._read_with_earlier_turns(message, alone, earlier).route != "crisis"

    def _read_with_earlier_turns(self, message: str, assessment: SafetyAssessment, earlier: list[str]) -> SafetyAssessment:
        """`assessment` of `message`, read again joined to the writer's `earlier` messages (oldest first) when it
        leans on them: `SafetyDetector.read_with_turn_before`; as it was otherwise."""
        turns = [Message(role="user", content=u[:MAX_SCANNED_CHARS]) for u in earlier]
        if not turns or not leans_on(message, turns):
            return assessment
        text = message[:MAX_SCANNED_CHARS]
        return self.detector.read_with_turn_before(text, assessment, with_earlier_turns(text, turns)[0])

    def _thresholds(self) -> dict[str, float]:
        a = self.config.abstain
        return {"min_rerank": a.min_rerank, "oos_max_dense": a.oos_max_dense}

    def rate_limited(self, question: str, history: Sequence[Message] = ()) -> Answer:
        """The reply when a client is over its rate limit: still the crisis card for a crisis message
        (the lexicon and the classifier need no model), otherwise a friendly "slow down"."""
        started = time.perf_counter()
        crisis_active = self.crisis_turn(history)
        if isinstance(question, str) and self.detector.quick_crisis(question[:MAX_SCANNED_CHARS]):
            return self._finish(started, question, "crisis", "", crisis_active=crisis_active)
        return self._refused(started, str(question), InvalidInput.RATE_LIMITED, crisis_active)

    # --- the edge: never an exception, never a reply without the envelope ---------------------------
    def safe_ask(self, question: object, history: Sequence[Message] = ()) -> Answer:
        """`ask`, but any failure still yields a reply with the envelope (and the crisis card if the lexicon sees risk)."""
        started = time.perf_counter()
        if not isinstance(question, str):
            return self._refused(started, str(question)[:200], InvalidInput.NOT_TEXT)
        try:
            return self.ask(question, list(history))
        except Exception:
            log.exception("answering failed")
            if self.detector.quick_crisis(question[:MAX_SCANNED_CHARS]):
                return self._finish(started, question, "crisis", "")
            return self._finish(started, question, "not_found", f"{m.ERROR_FALLBACK} {m.NOT_FOUND}")


def _reranked(trace: Trace, composition: Composition) -> Trace:
    """The trace's passages in the cross-encoder's order (passages it did not read keep theirs, after), with its scores."""
    order = {row: i for i, row in enumerate(composition.ranked_rows)}
    hits = sorted(trace.hits, key=lambda h: order.get(h.row, len(order)))
    return replace(trace, hits=tuple(hits), reranked=composition.scored)


def _cited(trace: Trace, composition: Composition) -> Trace:
    return replace(trace, cited_chunk_ids=tuple(c.chunk_id for c in composition.citations))


def _mostly_unreadable(text: str) -> bool:
    """Binary or mojibake: many control or replacement characters."""
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t"))
    return bad / len(text) > 0.1
