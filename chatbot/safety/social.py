"""Greetings, thanks, acknowledgements and farewells: the `social` route.

A message is social only when it is nothing else: the whole normalised message must be made of
social phrases ("hi", "thanks, that helps", "ok got it", "good morning!"). Anything with a question
or a topic in it ("hi, how much is an infusion?", "thanks, but what about SGB?") is not social and
goes down the normal path. The crisis and emergency checks run before this one, so "thanks for
everything, goodbye forever" is a crisis, never a pleasantry.
"""

from __future__ import annotations

import re

from chatbot.safety.normalize import normalize_variants

SocialKind = str  # "greeting" | "thanks" | "acknowledgement" | "farewell"

# Words that may follow a phrase without changing it: "thanks so much", "hi there", "ok then".
_TAIL_WORDS = (
    "so much",
    "a lot",
    "a ton",
    "again",
    "very much",
    "for (?:that|this|the (?:info|information|help|answer|answers|reply))",
    "for (?:your )?help",
    "you",
    "u",
    "guys",
    "team",
    "friend",
    "buddy",
    "there",
    "everyone",
    "all",
    "bot",
    "assistant",
    "so",
    "very",
    "really",
    "truly",
    "just",
    "then",
    "now",
    "too",
    "though",
    "please",
    "then",
)
_PHRASES: dict[SocialKind, tuple[str, ...]] = {
    "greeting": (
        "hi+",
        "hello+",
        "hey+",
        "hiya",
        "howdy",
        "yo",
        "heya",
        "hola",
        "good (?:morning|afternoon|evening|day)",
        "greetings",
        "whats up",
        "sup",
        "how are you",
        "how are you doing",
        "hows it going",
        "hi there",
        "hey there",
        "hello there",
        "nice to meet you",
    ),
    "thanks": (
        "thanks?",
        "thank you",
        "thank u",
        "thx",
        "thnx",
        "ty",
        "tysm",
        "cheers",
        "much appreciated",
        "appreciate (?:it|that|you|this|the help)",
        "i appreciate (?:it|that|you|this|the help)",
        "gracias",
        "that (?:helps|helped|is helpful|was helpful|s helpful|makes sense|is great|was great|is perfect)",
        "this (?:helps|helped|is helpful|was helpful)",
        "(?:very |really |super )?helpful",
        "great (?:answer|info|help)",
        "good to know",
        "great to know",
        "thats (?:great|good|good to know|awesome|perfect|helpful|very helpful|kind|nice)",
        "(?:youre|you are) (?:the best|great|awesome|kind|helpful)",
    ),
    "acknowledgement": (
        "ok+",
        "okay",
        "okey",
        "k+",
        "kk",
        "alright",
        "all right",
        "right",
        "sure",
        "got it",
        "gotcha",
        "i see",
        "understood",
        "makes sense",
        "noted",
        "fine",
        "yes",
        "yeah",
        "yep",
        "yup",
        "no",
        "nope",
        "nah",
        "sounds good",
        "will do",
        "fair enough",
        "oh",
        "ah",
        "hmm+",
        "mm+",
        "i understand",
        "thats fine",
        "thats ok",
        "thats okay",
        "im ok",
        "im okay",
        "im fine",
        "(?:ill|i will) (?:do that|call|call (?:them|you|the clinic)|think about it|try that|look into it|check it out|reach out)",
        "good",
        "great",
        "cool",
        "nice",
        "awesome",
        "perfect",
        "wonderful",
        "amazing",
        "excellent",
        "lovely",
    ),
    "farewell": (
        "bye+",
        "goodbye",
        "good bye",
        "bye bye",
        "see you",
        "see ya",
        "cya",
        "talk later",
        "talk to you later",
        "ttyl",
        "have a (?:good|great|nice) (?:day|night|one|evening|weekend)",
        "good night",
        "goodnight",
        "take care",
        "later",
    ),
}
_WORDS = "(?:" + "|".join(_TAIL_WORDS) + ")"
_ANY = "|".join(f"(?P<{kind}>{'|'.join(phrases)})" for kind, phrases in _PHRASES.items())
_PIECE = re.compile(rf"(?:{_ANY})(?: {_WORDS})*(?= |$)")
_SEPARATOR = re.compile(r"(?: |and |but )*")
_MAX_WORDS = 12


def social_kind(message: str) -> SocialKind | None:
    """The kind of a purely social message, or None. Several phrases may follow one another
    ("ok thanks, bye"); the reply answers the most telling one: thanks, then farewell, greeting, acknowledgement."""
    text = normalize_variants(message, {})[0]  # stretched letters cut to two: "hiii" -> "hii"
    if not text or len(text.split()) > _MAX_WORDS:
        return None
    found: set[str] = set()
    position = 0
    while position < len(text):
        position = _SEPARATOR.match(text, position).end()  # type: ignore[union-attr]
        if position >= len(text):
            break
        piece = _PIECE.match(text, position)
        if piece is None or (piece.end() < len(text) and text[piece.end()] != " "):
            return None
        found.update(kind for kind, value in piece.groupdict().items() if value)
        position = piece.end()
    for kind in ("thanks", "farewell", "greeting", "acknowledgement"):
        if kind in found:
            return kind
    return None
