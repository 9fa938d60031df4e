"""Follow-ups: a question that leans on the conversation is retrieved together with the turn it follows.

"how long does it last?" after "What is SGB?" retrieves as "What is SGB? how long does it last?";
a self-contained question ("How do I prepare for my first session?") retrieves alone, so a new
topic never drags the old one along.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from chatbot.types import Message

_OPENER = re.compile(
    r"^\s*(and|but|also|so|ok(ay)?|then|plus|what about|how about|what if|same (for|with)|for|with|or|is that|does that|is this|"
    r"how (long|much|often|many|soon)( does| do| is| would| will)? (it|that|this|they|those|each one))\b",
    re.I,
)
_ANAPHORA = re.compile(r"\b(it|its|it's|that|this|those|these|they|them|their|one|ones|he|she|him|her|the same)\b", re.I)
_WORD = re.compile(r"[a-z][a-z'-]+", re.I)
# Words that name the clinic's topics: a question holding one stands on its own.
TOPIC_TERMS = frozenset(
    [
        "ketamine",
        "esketamine",
        "spravato",
        "sgb",
        "stellate",
        "ganglion",
        "block",
        "infusion",
        "infusions",
        "iv",
        "kap",
        "psychotherapy",
        "therapy",
        "therapist",
        "therapists",
        "depression",
        "depressed",
        "anxiety",
        "anxious",
        "ptsd",
        "trauma",
        "traumatic",
        "ocd",
        "bipolar",
        "neuroplasticity",
        "bdnf",
        "glutamate",
        "nmda",
        "ssri",
        "ssris",
        "snri",
        "antidepressant",
        "antidepressants",
        "serotonin",
        "brain",
        "hippocampus",
        "amygdala",
        "integration",
        "intention",
        "consultation",
        "consult",
        "clinic",
        "session",
        "sessions",
        "appointment",
        "appointments",
        "insurance",
        "dissociation",
        "dissociative",
        "herman",
        "osmind",
        "ifs",
        "coach",
        "coaching",
        "journal",
        "journaling",
        "retraumatization",
        "veterans",
    ]
)
# What "it", "that", "those" usually point back to: a question naming one of these stands on its own.
TREATMENT_TERMS = frozenset(
    [
        *("ketamine", "esketamine", "spravato", "sgb", "stellate", "ganglion", "block", "infusion", "infusions", "iv", "kap"),
        *("psychotherapy", "therapy", "therapies", "treatment", "treatments", "session", "sessions", "ptsd", "depression", "anxiety"),
    ]
)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "you",
        "your",
        "we",
        "our",
        "us",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "and",
        "or",
        "but",
        "if",
        "so",
        "what",
        "how",
        "when",
        "where",
        "why",
        "who",
        "which",
        "about",
        "any",
        "there",
        "here",
        "have",
        "has",
        "had",
        "get",
        "got",
        "not",
        "no",
        "yes",
        "just",
        "really",
        "actually",
        "ok",
        "okay",
        "please",
        "tell",
        "know",
        "need",
        "want",
        "also",
        "much",
        "many",
        "long",
        "soon",
        "often",
    ]
)


def content_words(text: str) -> list[str]:
    words = (re.sub(r"'s$|'", "", w.lower()) for w in _WORD.findall(text.replace("\u2019", "'")))
    return [w for w in words if w and w not in _STOP]


def needs_context(question: str) -> bool:
    """Does this message only make sense with the turn before it?"""
    words = content_words(question)
    if _OPENER.match(question) and len(words) <= 6:
        return True
    if _ANAPHORA.search(question) and not any(w in TREATMENT_TERMS for w in words):
        return True
    return not any(w in TOPIC_TERMS for w in words) and len(words) <= 3


def with_earlier_turns(question: str, history: Sequence[Message]) -> tuple[str, bool]:
    """The text to retrieve with, and whether history was used: a follow-up ("and for PTSD?") is joined to the
    earlier user turns it leans on (back to the last self-contained one), not rewritten; `standalone` rewrites."""
    if not needs_context(question):
        return question, False
    previous = [m["content"].strip() for m in history if m.get("role") == "user" and m.get("content", "").strip()]
    if not previous:
        return question, False
    # walk back to the last self-contained question and keep what followed it (a chain of follow-ups)
    chain: list[str] = []
    for text in reversed(previous[-4:]):
        chain.insert(0, text)
        if not needs_context(text):
            break
    return " ".join([*chain, question]), True


# --- the question the cross-encoder reads -----------------------------------------------------------------------
# Retrieval reads the follow-up together with the turn it follows ("What is SGB? how long does it last?"); the
# cross-encoder judges whether a passage answers *one* question, so it reads the follow-up made standalone:
# "and for PTSD?" after "Can ketamine help depression?" -> "Can ketamine help PTSD?"; "how much is it?" after
# "What is SGB?" -> "how much is SGB?".
_CONDITIONS = ("treatment-resistant depression", "depression", "anxiety", "ptsd", "trauma", "ocd", "bipolar disorder", "bipolar", "insomnia", "chronic pain")
_TREATMENTS = (
    "ketamine-assisted psychotherapy",
    "stellate ganglion block",
    "iv ketamine therapy",
    "iv ketamine",
    "ketamine therapy",
    "ketamine infusions",
    "ketamine infusion",
    "the integration window",
    "integration window",
    "integration",
    "intention",
    "consultation",
    "esketamine",
    "spravato",
    "ketamine",
    "sgb",
    "kap",
    "dsr",
    "infusions",
    "infusion",
    "session",
    "journaling",
    "meditation",
    "mindfulness",
    "therapy",
)
_PEOPLE = ("dr. herman", "dr herman", "dr. sara herman", "sara herman", "herman")
_ELLIPSIS = re.compile(
    r"^\s*(?:and|but|ok(?:ay)?|so)?\s*,?\s*(?:what about|how about|and for|and with|for|with|same (?:for|with)|and)\s+(?P<x>[^?]+?)\s*\??\s*$", re.I
)
_PRONOUN = re.compile(r"\b(it|that|this|those|these|them|they|one|each one)\b(?!\s+(?:is|was)\s+(?:a|an|the)\b)", re.I)
_PERSON_PRONOUN = re.compile(r"\b(she|her|he|him|his)\b", re.I)


def _find(terms: Sequence[str], text: str) -> str:
    """The first (longest-listed) term found in `text`, as written there; "" if none."""
    for term in terms:
        m = re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.I)
        if m:
            return m.group(0)
    return ""


def standalone(question: str, history: Sequence[Message]) -> str:
    """The follow-up `question` rewritten to stand alone using the last self-contained user turn; the question as
    typed when it needs no context, has no earlier turn, or holds nothing that can be resolved. Pure string rules."""
    if not needs_context(question):
        return question
    previous = [m["content"].strip() for m in history if m.get("role") == "user" and m.get("content", "").strip()]
    anchor = next((t for t in reversed(previous) if not needs_context(t)), previous[-1] if previous else "")
    if not anchor:
        return question
    ellipsis = _ELLIPSIS.match(question)
    if ellipsis:
        new = ellipsis.group("x")
        for vocabulary in (_CONDITIONS, _TREATMENTS):
            old, replacement = _find(vocabulary, anchor), _find(vocabulary, new)
            if old and replacement:
                return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, anchor, count=1, flags=re.I)
        return f"{anchor.rstrip('?. ')} - {new}?"
    person = _find(_PEOPLE, anchor)
    if person and _PERSON_PRONOUN.search(question):
        return _PERSON_PRONOUN.sub(lambda m: _person(person, question, m), question)
    topic = _find(_TREATMENTS, anchor) or _find(_CONDITIONS, anchor)
    if topic and _PRONOUN.search(question):
        return _PRONOUN.sub(topic, question, count=1)
    return f"{anchor.rstrip('?. ')}? {question}"


def _person(name: str, question: str, match: re.Match[str]) -> str:
    """ "her background" (possessive: a noun follows) -> "Dr. Herman's background"; "talk with her" -> "talk with Dr. Herman"."""
    after = question[match.end() :].lstrip()
    possessive = match.group(1).lower() in ("her", "his") and bool(after) and not re.match(r"^(directly|about|and|or|too|first|again|\?|\.|,)", after, re.I)
    return f"{name}'s" if possessive else name
