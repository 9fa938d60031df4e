"""Follow-ups: a question that leans on the conversation is retrieved together with the turn it follows.

"how long does it last?" after "What is SGB?" retrieves as "What is SGB? how long does it last?";
a self-contained question ("How do I prepare for my first session?") retrieves alone, so a new
topic never drags the old one along.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from chatbot.safety.messages import MEDICAL_ADVICE_REFERRAL, MEDICAL_DISCLAIMER, MEDICAL_DISCLAIMER_FULL, SOURCES_HEADING
from chatbot.types import Message
from ingest.text import glue_titles

_OPENER = re.compile(
    r"^\s*(and|but|also|so|ok(ay)?|then|plus|what about|how about|what if|same (for|with)|for|with|or|is that|does that|is this|"
    r"how (long|much|often|many|soon)( does| do| is| would| will)? (it|that|this|they|those|each one))\b",
    re.I,
)
_ANAPHORA = re.compile(r"\b(it|its|it's|that|this|those|these|they|them|their|one|ones|he|she|him|her|the same|both)\b", re.I)
# the patient's own situation, told in an earlier turn ("I've tried 4 SSRIs...", then "would it work for someone like me?")
_SELF_REFERENCE = re.compile(r"\b(?:(?:someone|somebody|people|patients|a person) like me|in my (?:case|situation)|my (?:case|situation))\b", re.I)
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
        "dsr",
        "sympathetic",
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


# A message that says it changes the subject: what follows stands alone, whatever its pronouns.
_TOPIC_SHIFT = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|oh|hey|and|but|also|um+|hmm+)[\s,.]+)*"
    r"(?:(?:a|one|my|another|totally|completely|kind of)\s+)*"
    r"(?:(?:different|new|unrelated|separate|other|random|side|off[- ]topic)\s+(?:q|qs|question|questions|thing|topic|subject|note|one|matter)"
    r"|unrelated(?:\s+(?:question|q|but|topic|note))?|off[- ]topic|changing\s+(?:the\s+)?(?:subject|topic)s?|chang(?:e|ing)\s+of\s+(?:subject|topic)"
    r"|switching\s+(?:topics?|gears|subjects?)|on\s+(?:a|an|another)\s+(?:different|other|unrelated|separate|side)?\s*note"
    r"|(?:a\s+)?(?:totally\s+)?different\s+(?:thing|topic|subject))\b"
    r"(?:[\s,]*(?:but|though|tho|here|now|for you|for u)\b)?[\s,.:;!?\-\u2013\u2014]*",
    re.I,
)
# Words that only introduce the question ("btw", "one more thing:"): dropped, and what is left decides.
_ASIDE = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|oh|hey|and|also|um+|hmm+|cool|thanks|thx|great)[\s,.!]+)*"
    r"(?:btw|by the way|one more (?:thing|question|q)|another (?:thing|question|q)|quick (?:question|q)|also|oh and|and also)\b[\s,.:;!?\-\u2013\u2014]*",
    re.I,
)


def topic_shift(question: str) -> tuple[str, bool]:
    """(the question without an opening that changes the subject or only introduces it, whether the subject changes).

    "Different question - what should I wear?" -> ("what should I wear?", True): it is answered on its own;
    "btw is it covered by insurance?" -> ("is it covered by insurance?", False): what is left still decides
    whether it leans on the turn before. The question as typed when nothing is left after the opening."""
    shift = _TOPIC_SHIFT.match(question)
    if shift and question[shift.end() :].strip():
        return question[shift.end() :].strip(), True
    aside = _ASIDE.match(question)
    if aside and content_words(question[aside.end() :]):
        return question[aside.end() :].strip(), False
    return question, False


# A patient's message is not edited prose: a sentence often opens in lower case ("...nothing stuck. why would this
# work"), which blingfire's model (ingest.text.split_sentences) does not split. Here ".", "?" or "!" and a space end
# a sentence, except after a title ("Dr. Herman").
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")
# A sentence that asks: it ends with "?" or opens (after "so", "ok"...) with a question word or an inverted verb.
_ASKS = re.compile(
    r"^(?:(?:so|ok(?:ay)?|and|but|also|well|then|honestly|basically|anyway)[\s,]+)*"
    r"(?:what|whats|what's|how|why|when|where|who|whom|whose|which|is|are|am|was|were|isn't|aren't|can|could|can't|do|does|did|don't|"
    r"doesn't|will|would|won't|should|shall|may|might|have|has|any|anything)\b",
    re.I,
)
# Words of context (who the patient is, what happened) around the asking sentences, from which the asking sentences
# are also read alone. The cross-encoder reads a long, chatty message poorly: 10 words of context and more, blind sets
# 5-8 (310 answerable, 165 not): fact in the answer 238 -> 244, wrongly refused 20 -> 15, unanswerable refused 146,
# unchanged; development sets 450 -> 452/564, 29 -> 27, 244/256 unchanged. At 0 (any context), blind sets: 243,
# 15, 144: a short aside ("is ketamine addictive? kinda worried bc of the party drug thing") helps the reading.
FOCUS_CONTEXT_WORDS = 10


def message_sentences(message: str) -> list[str]:
    """The sentences of a patient's message, as typed (see _SENTENCE_END); [] for an empty message."""
    return glue_titles(_SENTENCE_END.split(message.strip()), typed=True)


def question_focus(message: str) -> str:
    """The sentences of `message` that ask, when the rest (context about the patient) is at least
    FOCUS_CONTEXT_WORDS words; "" otherwise (one sentence, nothing that asks, or little context).

    "I've tried like 4 different SSRIs over the years and nothing really stuck. why would ketamine be any different"
    -> "why would ketamine be any different"."""
    sentences = message_sentences(message)
    if len(sentences) < 2:
        return ""
    asking = [s for s in sentences if s.rstrip().endswith("?") or _ASKS.match(s)]
    if not asking or len(asking) == len(sentences):
        return ""
    focus = " ".join(asking)
    if len(message.split()) - len(focus.split()) < FOCUS_CONTEXT_WORDS:
        return ""
    return focus


# "it" that points at nothing: "is it normal to...", "is it ok if...", "it's common for..."
_PLEONASTIC_IT = re.compile(
    r"\b(?:is|was|would|will|isn't|it's|its)\s+(?:it\s+)?(?:be\s+)?(?:normal|ok|okay|possible|common|true|necessary|weird|strange|hard|likely|"
    r"better|worse|bad|good|important|unusual|rare|typical|fine|wise|smart|advisable|required|mandatory|allowed|expected)\s+(?:to|if|that|for|when)\b"
    r"|\b(?:is|would|will)\s+it\s+(?:be\s+)?safe\s+(?:to|if)\b",
    re.I,
)
# Treatment words that name the clinic's care in general: "the infusion", "the treatment" can still point back.
_GENERIC_TREATMENT = frozenset(["treatment", "treatments", "therapy", "therapies", "session", "sessions", "infusion", "infusions", "block", "iv"])
# A relative time ("afterwards", "the next day", "before it") leans on what the turn before was about.
_RELATIVE_TIME = re.compile(
    r"\b(afterwards?|after(?:\s+(?:that|it|this|those|them))|once it'?s (?:over|done|finished)|when it'?s (?:over|done|finished)|"
    r"before(?:\s+(?:that|it|this))|beforehand|the (?:next|following) day|the day after|in between|between them|first(?=\s*[?.!]*\s*$))\b",
    re.I,
)


def needs_context(question: str) -> bool:
    """Does this message only make sense with the turn before it?"""
    words = content_words(question)
    if _OPENER.match(question) and len(words) <= 6:
        return True
    if _SELF_REFERENCE.search(question):
        return True
    specific = any(w in TREATMENT_TERMS and w not in _GENERIC_TREATMENT for w in words)
    if _RELATIVE_TIME.search(question) and not specific:
        return True
    if _ANAPHORA.search(_PLEONASTIC_IT.sub(" ", question)) and not specific:
        return True
    return not any(w in TOPIC_TERMS for w in words) and len(words) <= 4


def user_turns(history: Sequence[Message]) -> list[str]:
    """The patient's earlier messages, oldest first, blanks dropped."""
    return [m["content"].strip() for m in history if m.get("role") == "user" and isinstance(m.get("content"), str) and m["content"].strip()]


def last_reply(history: Sequence[Message]) -> str:
    """The assistant's last reply, its answer only: the sources list, the envelope's disclaimer (short or full) and a
    medical-advice referral cut off, citation marks dropped; "" when there is none."""
    for message in reversed(history):
        if message.get("role") == "assistant" and isinstance(message.get("content"), str):
            text = message["content"]
            for end in (SOURCES_HEADING, MEDICAL_DISCLAIMER, MEDICAL_DISCLAIMER_FULL, MEDICAL_ADVICE_REFERRAL):
                text = text.split(end, 1)[0]
            return re.sub(r"\[\d+\]", " ", text).strip()
    return ""


_IT = re.compile(r"\b(it|they|them)\b", re.I)


def leans_on(question: str, history: Sequence[Message]) -> bool:
    """Does `question` lean on the conversation? `needs_context`, or "it" / "they" in a question that names another
    topic than the one the conversation is about ("can it be combined with ketamine?" after "What is SGB?")."""
    if needs_context(question):
        return True
    previous = user_turns(history)
    if not previous or not _IT.search(_PLEONASTIC_IT.sub(" ", question)):
        return False
    topic = _topic(_anchor(previous), "")
    return bool(topic) and not _find((topic,), question)


def _anchor(previous: Sequence[str]) -> str:
    """The last self-contained question among the patient's earlier ones (else the last one)."""
    return next((t for t in reversed(previous) if not needs_context(t)), previous[-1] if previous else "")


def with_earlier_turns(question: str, history: Sequence[Message]) -> tuple[str, bool]:
    """The text to retrieve with, and whether history was used: a follow-up ("and for PTSD?") is joined to the
    earlier user turns it leans on (back to the last self-contained one), not rewritten; `standalone` rewrites."""
    if not leans_on(question, history):
        return question, False
    previous = user_turns(history)
    if not previous:
        return question, False
    # walk back to the last self-contained question and keep what followed it (a chain of follow-ups)
    chain: list[str] = []
    for text in reversed(previous[-4:]):
        chain.insert(0, text)
        if not needs_context(text) and (not _BOTH.search(question) or _both(question, chain)):
            break  # "both" goes back to the turn that named the first of the two
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
    "nerve block",
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
_ELLIPSIS = re.compile(  # the new thing: at most four words ("and what if I hate it" is not an ellipsis)
    r"^\s*(?:and|but|ok(?:ay)?|so)?\s*,?\s*(?:what about|how about|and for|and with|for|with|same (?:for|with)|and)\s+"
    r"(?P<x>[^?\s]+(?:\s+[^?\s]+){0,3}?)\s*\??\s*$",
    re.I,
)
_PRONOUN = re.compile(r"\b(it|that|this|those|these|them|they|one|each one)\b(?!\s+(?:is|was)\s+(?:a|an|the)\b)", re.I)
_OWN_PERSON = re.compile(
    r"\bmy (?:own |current |regular |old )?(?:therapist|psychiatrist|psychologist|counsel+or|doctor|doc|provider|pcp|nurse|coach|wife|husband|partner"
    r"|mom|mother|dad|father|sister|brother|friend|daughter|son|girlfriend|boyfriend|fiance|fiancee|boss|aunt|grandma|grandmother)\b",
    re.I,
)
_PERSON_PRONOUN = re.compile(r"\b(she|her|he|him|his)\b", re.I)


def _find(terms: Sequence[str], text: str) -> str:
    """The first (longest-listed) term found in `text`, as written there; "" if none."""
    for term in terms:
        m = re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.I)
        if m:
            return m.group(0)
    return ""


_NAME = re.compile(r"\bDr\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?")


def people_named(texts: Iterable[str]) -> tuple[str, ...]:
    """The clinicians the articles name ("Dr. Sara Herman", "Dr. Herman"), longest first: what "she" and "her"
    can point back to. Read from the corpus at load, so a new clinician on the site needs no code change."""
    names = {re.sub(r"\s+", " ", n) for text in texts for n in _NAME.findall(text)}
    return tuple(sorted(names, key=len, reverse=True))


def standalone(question: str, history: Sequence[Message], people: Sequence[str] = ()) -> str:
    """The follow-up `question` rewritten to stand alone using the last self-contained user turn and the reply to it;
    the question as typed when it needs no context, has no earlier turn, or holds nothing that can be resolved.
    `people`: the names "she"/"her" may stand for (`people_named`). Pure string rules."""
    if not leans_on(question, history):
        return question
    previous = user_turns(history)
    anchor = _anchor(previous)
    if not anchor:
        return question
    reply = last_reply(history)
    both = _both(question, previous)
    if both:  # "can I do both on the same day?" after turns on SGB and on ketamine infusions
        return both
    when = _WHEN.match(question)
    if when:  # "so before it?" after "What should I avoid after an infusion?" -> "What should I avoid before an infusion?"
        bare = re.fullmatch(r"(?:right\s+)?(after|before|during)(?:\s+(?:it|that|this|then))?", when.group("t").strip(), re.I)
        earlier = re.search(r"\b(after|before|during)\b", anchor, re.I)
        if bare and earlier:
            return f"{anchor[: earlier.start()]}{bare.group(1)}{anchor[earlier.end() :]}"
        question = f"what happens {when.group('t')}?"  # "and after the series is done?" -> "what happens after ..."
        if not _RELATIVE_TIME.search(question) and not _PRONOUN.search(question):
            return question
    ellipsis = _ELLIPSIS.match(question)
    if ellipsis and not _RELATIVE_TIME.search(question):  # "what about the day after?" is a time, resolved below
        new = ellipsis.group("x")
        for vocabulary in (_CONDITIONS, _TREATMENTS):
            old, replacement = _find(vocabulary, anchor), _find(vocabulary, new)
            if old and replacement:
                return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, anchor, count=1, flags=re.I)
        return f"{anchor.rstrip('?. ')} - {new}?"
    # "her" is a clinician named in the question before, or in the reply to it unless the patient spoke of their own
    # person ("my therapist": "will you talk with her?" is about the therapist, not the clinician the reply names)
    person = _find(people, anchor) or ("" if _OWN_PERSON.search(anchor) else _find(people, reply))
    if person and _PERSON_PRONOUN.search(question):
        return _PERSON_PRONOUN.sub(lambda m: _person(person, question, m), question)
    topic = _topic(anchor, reply)
    if topic and _find((topic,), question):
        topic = ""  # "what does ketamine do to it?" after "what is BDNF": "it" is not ketamine
    if topic and _RELATIVE_TIME.search(question):
        return _RELATIVE_TIME.sub(lambda m: _relative(m.group(0), topic), question, count=1)
    if topic and _PRONOUN.search(_PLEONASTIC_IT.sub(" ", question)):
        return _PRONOUN.sub(topic, question, count=1)
    return f"{anchor.rstrip('?. ')}? {question}"


# an ellipsis that is only a time: "and after the series is done?", "what about the day before?", "so during it?"
_WHEN = re.compile(
    r"^\s*(?:and|so|but|ok(?:ay)?|then)?\s*,?\s*(?:what about|how about)?\s*"
    r"(?P<t>(?:right\s+)?(?:after|before|during|once|between|the day (?:after|before))\b[^?]*?)\s*\??\s*$",
    re.I,
)


_BOTH = re.compile(r"\b(?:both(?: of (?:them|those|these))?|them both|the two(?: of (?:them|those|these))?)\b", re.I)


def _both(question: str, previous: Sequence[str]) -> str:
    """ "can I do both on the same day?" after earlier turns that named SGB, then ketamine infusions -> "can I do SGB
    and ketamine infusions on the same day?": the two treatments (else conditions) the patient's last four turns
    named most recently, in the order they were raised; "" when the question has no "both" or the turns name fewer
    than two (then "both" stays as typed)."""
    match = _BOTH.search(question)
    if not match:
        return ""
    for vocabulary in (_TREATMENTS, _CONDITIONS):
        named: list[str] = []
        for text in reversed(previous[-4:]):
            for term in reversed(_all_found(vocabulary, text)):
                if term.lower() not in _GENERIC_TREATMENT and term.lower() not in (n.lower() for n in named):
                    named.append(term)
        if len(named) >= 2:
            return f"{question[: match.start()]}{named[1]} and {named[0]}{question[match.end() :]}"
    return ""


def _all_found(terms: Sequence[str], text: str) -> list[str]:
    """Every term of `terms` in `text`, as written there, in reading order; a longer term listed first hides the
    shorter ones inside it ("ketamine infusions", not also "ketamine")."""
    found: list[tuple[int, str]] = []
    for term in terms:
        for m in re.finditer(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.I):
            if not any(start <= m.start() < start + len(seen) for start, seen in found):
                found.append((m.start(), m.group(0)))
    return [term for _, term in sorted(found)]


def _topic(anchor: str, reply: str) -> str:
    """What "it" points back to: the subject of a definition question, else the first treatment or condition the
    anchor names, else the first treatment the reply names; "" when none."""
    return _subject(anchor) or _find(_TREATMENTS, anchor) or _find(_CONDITIONS, anchor) or _find(_TREATMENTS, reply)


_DEFINITION = re.compile(
    r"^\s*(?:so\s+|and\s+|ok(?:ay)?\s+)?(?:what|who)(?:'s|s|\s+is|\s+are|\s+was)\s+(?:an?\s+|the\s+)?"
    r"(?P<x>[\w .'-]{2,40}?)\s*(?:exactly|actually|again)?\s*[?.!]*\s*$",
    re.I,
)


def _subject(anchor: str) -> str:
    """What a definition question asks about: "What is BDNF?" -> "BDNF"; "what's an intention for a session?" ->
    "intention for a session"; "" for any other question."""
    match = _DEFINITION.match(anchor)
    return match.group("x").strip() if match else ""


def _relative(phrase: str, topic: str) -> str:
    """ "afterwards" -> "after the infusion"; "the next day" -> "the day after the infusion"; "beforehand" -> "before the infusion"."""
    low = phrase.lower()
    if "day" in low:
        return f"the day after the {topic}"
    if low.startswith("before") or low == "first":
        return f"before the {topic}"
    if "between" in low:
        return f"between {topic}s"
    return f"after the {topic}"


def _person(name: str, question: str, match: re.Match[str]) -> str:
    """ "her background" (possessive: a noun follows) -> "Dr. Herman's background"; "talk with her" -> "talk with Dr. Herman"."""
    after = question[match.end() :].lstrip()
    possessive = match.group(1).lower() in ("her", "his") and bool(after) and not re.match(r"^(directly|about|and|or|too|first|again|\?|\.|,)", after, re.I)
    return f"{name}'s" if possessive else name
