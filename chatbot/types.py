"""Typed records of the answering pipeline: Message, Hit, Citation, Answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from chatbot.safety.messages import DISCLAIMER_FULL
from ingest.types import Chunk

if TYPE_CHECKING:
    from chatbot.safety.envelope import Envelope

Route = Literal["answered", "not_found", "out_of_scope", "medical_advice", "emergency", "crisis", "social", "invalid_input"]
ROUTES: tuple[Route, ...] = ("answered", "not_found", "out_of_scope", "medical_advice", "emergency", "crisis", "social", "invalid_input")


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
    sentence: float  # best cosine of the query and one of the chunk's sentences
    faq: float = 0.0  # cosine of the query and the chunk's FAQ question (FAQ chunks only)


@dataclass(frozen=True)
class Citation:
    url: str
    title: str
    section: str
    snippet: str
    score: float
    chunk_id: str

    def to_contract(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "section": self.section, "snippet": self.snippet, "score": round(self.score, 4)}


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
    signals: tuple[str, ...] = ()  # safety signals that fired, e.g. "lexicon:intent", "classifier:0.91"
    trace: Trace = field(default_factory=Trace)
    envelope: Envelope | None = None  # the parts of `text`, for surfaces that render them (the web chat)
    disclaimer_full: str = DISCLAIMER_FULL  # the full disclaimer, one click away (not part of `text`)

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
