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


def citation_label(citation: Citation) -> str:
    return f"{citation.title} — {citation.section}" if citation.section else citation.title


def sources_block(citations: Sequence[Citation]) -> str:
    lines = [f"[{i}] {citation_label(c)}: {c.url}" for i, c in enumerate(citations, start=1)]
    return "\n".join([m.SOURCES_HEADING, *lines])


def wrap(route: Route, body: str, citations: Sequence[Citation], crisis_active: int, turn: int = 0, crisis_too: bool = False) -> Envelope:
    """The reply's envelope.

    route: the reply's route; body: the composed text (on a crisis or emergency turn, only safety text set by code);
    crisis_active: an earlier turn of the conversation signalled a crisis (the full card was already shown);
    turn: a counter of the conversation's turns, which picks the caring line of the short card;
    crisis_too: an emergency that is also a crisis (someone else's overdose on purpose): the card follows the 911 card.
    A crisis is never answered as a routine question: no passage is cited. The first crisis turn gets the full
    card; every later reply of the conversation gets the short card with a caring line that changes each turn.
    An emergency turn shows the 911 card (the body) first, then the crisis card if one is due."""
    card = m.crisis_card_short(turn) if crisis_active else m.CRISIS_CARD
    if route == "crisis":
        return Envelope(card, body, (), m.DISCLAIMER)
    if route == "emergency":
        return Envelope(card if crisis_active or crisis_too else "", body, (), m.DISCLAIMER, emergency_first=True)
    return Envelope(card if crisis_active else "", body, tuple(citations), m.DISCLAIMER)
