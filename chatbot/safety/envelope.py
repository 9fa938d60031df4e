"""The envelope: added by this one pure function after composition (and after any future generator),
so neither user input nor model output can remove the disclaimer, the AI disclosure or the crisis card.
Every surface renders these same parts: the CLI and the JSON API as text, the web chat as HTML."""

from __future__ import annotations

from collections.abc import Sequence

from chatbot.safety import messages as m
from chatbot.types import Citation, Envelope, Route


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
