"""The envelope: added by this one pure function after composition (and after any future generator),
so neither user input nor model output can remove the disclaimer, the AI disclosure or the crisis card.
Every surface renders these same parts: the CLI and the JSON API as text, the web chat as HTML."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chatbot.safety import messages as m
from chatbot.types import Citation, Route


@dataclass(frozen=True)
class Envelope:
    """A reply in its parts, in the order the person sees them."""

    crisis_card: str  # the full card on a crisis turn, the short one on every later turn, else ""
    body: str
    citations: tuple[Citation, ...]
    disclaimer: str  # medical disclaimer + AI disclosure with the way to a human + the standing 988 line

    @property
    def crisis_resources(self) -> bool:
        return bool(self.crisis_card)

    @property
    def text(self) -> str:
        parts = [self.crisis_card, self.body.strip(), sources_block(self.citations) if self.citations else "", self.disclaimer]
        return "\n\n".join(p for p in parts if p)


def citation_label(citation: Citation) -> str:
    return f"{citation.title} — {citation.section}" if citation.section else citation.title


def sources_block(citations: Sequence[Citation]) -> str:
    lines = [f"[{i}] {citation_label(c)}: {c.url}" for i, c in enumerate(citations, start=1)]
    return "\n".join([m.SOURCES_HEADING, *lines])


def wrap(route: Route, body: str, citations: Sequence[Citation], crisis_active: bool) -> Envelope:
    """The reply's envelope. On a crisis turn the body can only be safety text set by code (the emergency card)
    and no passage is cited: a crisis is never answered as a routine question."""
    if route == "crisis":
        return Envelope(m.CRISIS_CARD, body, (), m.DISCLAIMER)
    return Envelope(m.CRISIS_CARD_SHORT if crisis_active else "", body, tuple(citations), m.DISCLAIMER)
