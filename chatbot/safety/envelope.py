"""The envelope: added by this one pure function after composition (and after any future generator),
so neither user input nor model output can remove the disclaimer, the AI disclosure or the crisis card."""

from __future__ import annotations

from collections.abc import Sequence

from chatbot.safety import messages as m
from chatbot.types import Citation, Route


def citation_label(citation: Citation) -> str:
    return f"{citation.title} — {citation.section}" if citation.section else citation.title


def sources_block(citations: Sequence[Citation]) -> str:
    lines = [f"[{i}] {citation_label(c)}: {c.url}" for i, c in enumerate(citations, start=1)]
    return "\n".join([m.SOURCES_HEADING, *lines])


def apply_envelope(route: Route, body: str, citations: Sequence[Citation], crisis_active: bool) -> tuple[str, bool]:
    """The full reply text, and whether it carries crisis resources.

    Order: crisis card (full on a crisis turn, short on every later turn of that conversation),
    then the body, then the sources, then the disclaimer with the AI disclosure and the 988 line.
    """
    parts: list[str] = []
    if route == "crisis":
        parts.append(m.CRISIS_CARD)
    elif crisis_active:
        parts.append(m.CRISIS_CARD_SHORT)
    if body:  # on a crisis turn the body can only be safety text set by code (the emergency card)
        parts.append(body.strip())
    if citations and route != "crisis":
        parts.append(sources_block(citations))
    parts.append(m.DISCLAIMER)
    return "\n\n".join(parts), route == "crisis" or crisis_active
