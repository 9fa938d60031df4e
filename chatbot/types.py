"""Typed records of the answering pipeline: Message, Hit, Citation, Envelope, Answer; the routes and what each means."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, TypedDict

import chatbot.safety.messages as m
from ingest.types import Chunk

MAX_QUESTION_CHARS = 2000  # longest message answered, in characters (a patient's question is rarely over 300)

Route = Literal["answered", "not_found", "out_of_scope", "medical_advice", "emergency", "crisis", "social", "invalid_input"]


@dataclass(frozen=True)
class RouteTraits:
    """What a route means to every module that reads one (the assistant, the web chat, the staff console, the eval)."""

    abstains: bool = False  # declined: the articles don't answer it, or it is off-topic (the clinic's contact details instead)
    safety: bool = False  # set by the safety check before any retrieval: the body is safety text (988, 911), never an answer
    weighs_articles: bool = False  # passages were weighed for an answer: the staff console shows which were used and how sure
    content: bool = False  # a question about the clinic's content: a decline or a weak answer is a gap for staff to fill


ROUTES: dict[Route, RouteTraits] = {
    "answered": RouteTraits(weighs_articles=True, content=True),
    "not_found": RouteTraits(abstains=True, weighs_articles=True, content=True),
    "out_of_scope": RouteTraits(abstains=True, content=True),
    "medical_advice": RouteTraits(weighs_articles=True, content=True),
    "emergency": RouteTraits(safety=True),
    "crisis": RouteTraits(safety=True),
    "social": RouteTraits(),
    "invalid_input": RouteTraits(),
}
ABSTAINING: tuple[Route, ...] = tuple(r for r, t in ROUTES.items() if t.abstains)  # ("not_found", "out_of_scope")
SAFETY: tuple[Route, ...] = tuple(r for r, t in ROUTES.items() if t.safety)  # ("emergency", "crisis")
WEIGHS_ARTICLES: tuple[Route, ...] = tuple(r for r, t in ROUTES.items() if t.weighs_articles)  # ("answered", "not_found", "medical_advice")
CONTENT: tuple[Route, ...] = tuple(r for r, t in ROUTES.items() if t.content)  # every route but safety, social and invalid input


class InvalidInput(StrEnum):
    """Why a message got the `invalid_input` route: carried on the Answer, so that a surface picks its status from data
    (the API answers 429 to RATE_LIMITED), never from the reply's wording."""

    NOT_TEXT = "not_text"  # not a string, a NUL byte, or mostly control/replacement characters
    EMPTY = "empty"
    TOO_LONG = "too_long"
    RATE_LIMITED = "rate_limited"  # the client is over its rate limit


class Message(TypedDict):
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk and how each retriever scored it."""

    chunk: Chunk
    row: int  # row in the index version's arrays
    score: float  # final score used for ranking (fused, re-scored)
    dense: float  # cosine of the query and the chunk
    lexical: float  # BM25
    fused: float  # reciprocal-rank fusion of dense and lexical
    sentence_score: float  # best cosine of the query and one of the chunk's sentences
    faq_score: float = 0.0  # cosine of the query and the chunk's FAQ question (FAQ chunks only)


def section_label(chunk: Chunk) -> str:
    """How a passage is named under its post's title: "FAQ: <question>" for an FAQ chunk, else its section ("" for none)."""
    return f"FAQ: {chunk.question}" if chunk.kind == "faq" and chunk.question else chunk.section


@dataclass(frozen=True)
class Citation:
    url: str
    title: str
    section: str  # section_label of the passage
    snippet: str  # the passage's sentences the answer rests on, in reading order, each once
    score: float
    chunk_id: str

    @classmethod
    def from_hit(cls, hit: Hit, quoted: Sequence[str], score: float) -> Citation:
        """The citation of `hit`'s passage. `quoted`: the passage's sentences the answer rests on, in reading order
        (a repeat is kept once); they make the snippet. `score`: how well the passage matched (the cross-encoder's
        logit for an extractive answer, the retrieval score for a generated one)."""
        chunk = hit.chunk
        return cls(chunk.url, chunk.title, section_label(chunk), " ".join(dict.fromkeys(quoted)), score, chunk.chunk_id)

    def to_contract(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "section": self.section, "snippet": self.snippet, "score": round(self.score, 4)}


def citation_label(citation: Citation) -> str:
    """How a source is named in the sources list and the web chat: "Title — section", or the title alone."""
    return f"{citation.title} — {citation.section}" if citation.section else citation.title


def sources_block(citations: Sequence[Citation]) -> str:
    """The numbered sources under a reply, as text: the heading, then "[n] label: url" per citation."""
    lines = [f"[{i}] {citation_label(c)}: {c.url}" for i, c in enumerate(citations, start=1)]
    return "\n".join([m.SOURCES_HEADING, *lines])


@dataclass(frozen=True)
class Envelope:
    """A reply in its parts, in the order the person sees them (built by chatbot.safety.envelope.wrap)."""

    crisis_card: str  # the full card on a crisis turn, the short one (with a caring line) on every later turn, else ""
    body: str
    citations: tuple[Citation, ...]
    disclaimer: str  # the short standing disclaimer: not medical advice, AI disclosure with the way to a human, 988
    disclaimer_full: str = m.DISCLAIMER_FULL  # the same at length, one click away (API field `disclaimer_full`)
    emergency_first: bool = False  # a bystander's or body emergency: the 911 card (the body) comes before any crisis card

    @property
    def crisis_resources(self) -> bool:
        return bool(self.crisis_card)

    @property
    def text(self) -> str:
        sources = sources_block(self.citations) if self.citations else ""
        if self.emergency_first:
            parts = [self.body.strip(), self.crisis_card, sources, self.disclaimer]
        else:
            parts = [self.crisis_card, self.body.strip(), sources, self.disclaimer]
        return "\n\n".join(p for p in parts if p)

    @property
    def full_card(self) -> bool:
        """Is the crisis card the full one (the first crisis turn of a conversation)?"""
        return self.crisis_card == m.CRISIS_CARD


@dataclass(frozen=True)
class Trace:
    """Why the assistant answered as it did: shown in the staff console, never to patients."""

    retrieval_query: str = ""
    condensed: bool = False
    hits: tuple[Hit, ...] = ()
    cited_chunk_ids: tuple[str, ...] = ()
    abstain_reason: str = ""
    thresholds: dict[str, float] = field(default_factory=dict)
    generation: dict[str, Any] | None = None  # the generator's draft and what the grounding guard did with it
    rerank_query: str = ""  # the question the cross-encoder read (a follow-up made standalone)
    reranked: tuple[tuple[str, float], ...] = ()  # (candidate window, cross-encoder logit), best first


@dataclass(frozen=True)
class Answer:
    """One reply. `text` is everything the person sees, envelope included."""

    question: str
    route: Route
    text: str
    body: str  # the composed part, before the envelope
    citations: tuple[Citation, ...]
    disclaimer: str  # the short standing disclaimer, contained in `text`
    crisis_resources: bool
    latency_ms: float
    envelope: Envelope  # the parts of `text`, for surfaces that render them (the web chat)
    signals: tuple[str, ...] = ()  # safety signals that fired, e.g. "lexicon:intent", "classifier:0.91"
    trace: Trace = field(default_factory=Trace)
    disclaimer_full: str = m.DISCLAIMER_FULL  # the full disclaimer, one click away (not part of `text`)
    invalid: InvalidInput | None = None  # why, on the invalid_input route; else None

    def to_contract(self, id: str | None = None) -> dict[str, Any]:
        """The `ask --json` / `POST /api/ask` object (DESIGN.md, "The ask contract")."""
        return {
            "id": id,
            "question": self.question,
            "route": self.route,
            "answer": self.text,
            "citations": [c.to_contract() for c in self.citations],
            "disclaimer": self.disclaimer,
            "disclaimer_full": self.disclaimer_full,
            "crisis_resources": self.crisis_resources,
            "latency_ms": round(self.latency_ms, 2),
        }
