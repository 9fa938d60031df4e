"""Decide when not to answer: out of scope, or in scope but not covered by the articles.

One cosine threshold cannot separate answerable from unanswerable in-domain questions ("how much
does an infusion cost?" retrieves passages about cost that hold no price). So beside a score floor,
the judge checks that the selected sentences hold the *kind* of thing the question asks for
(a price, a clock time, a duration, a count, a place) and that a named thing the question asks
about (an insurer, a service, a drug) occurs in the articles at all.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from chatbot.answer_types import CONTACT_DETAILS, SELF_EVIDENT_KINDS, asked_kinds, holds_kind, of_what_is_asked
from chatbot.compose import Composition
from chatbot.condense import TOPIC_TERMS, content_words
from chatbot.types import Hit
from index.lexical import terms, tokenize

# Words that place a question in the clinic's world even when retrieval is weak.
DOMAIN_TERMS = TOPIC_TERMS | frozenset(
    [
        "mental",
        "health",
        "mood",
        "moods",
        "sad",
        "sadness",
        "stress",
        "stressed",
        "feel",
        "feeling",
        "feelings",
        "emotion",
        "emotions",
        "emotional",
        "panic",
        "sleep",
        "insomnia",
        "medication",
        "medications",
        "meds",
        "med",
        "doctor",
        "doctors",
        "psychiatrist",
        "psychiatry",
        "psychologist",
        "counselor",
        "counseling",
        "treatment",
        "treatments",
        "treat",
        "treated",
        "treating",
        "cure",
        "pill",
        "pills",
        "drug",
        "drugs",
        "side",
        "effects",
        "effect",
        "safe",
        "safety",
        "risk",
        "risks",
        "addictive",
        "addiction",
        "clinic",
        "cost",
        "costs",
        "price",
        "prices",
        "pricing",
        "fee",
        "fees",
        "insurance",
        "insured",
        "covered",
        "coverage",
        "pay",
        "payment",
        "appointment",
        "appointments",
        "book",
        "booking",
        "schedule",
        "scheduling",
        "reboot",
        "menlo",
        "park",
        "suicide",
        "suicidal",
        "crisis",
        "988",
        "patient",
        "patients",
        "provider",
        "providers",
        "nurse",
        "symptom",
        "symptoms",
        "diagnosis",
        "diagnosed",
        "prescription",
        "prescribe",
        "hospital",
        "therapy",
        "wellness",
        "psychedelic",
        "psychedelics",
        "mdma",
        "psilocybin",
        "tms",
        "ect",
        "ride",
        "drive",
        "driving",
        "infusion",
        "telehealth",
        "virtual",
        "online",
        "visit",
        "visits",
        "hours",
        "open",
        "located",
        "location",
        "parking",
        "office",
        "staff",
    ]
)
OFF_TOPIC_TASK = re.compile(
    r"\b(recipe|recipes|bake|baking|cook|cooking|weather|forecast|stock|stocks|bitcoin|crypto|sports?|score|nba|nfl|super bowl|"
    r"movie|movies|capital of|president of|prime minister|population of|homework|essay|poem|joke|song|lyrics|trivia|"
    r"python|javascript|java|sql|code|coding|program|regex|excel|spreadsheet|cover letter|resume|translate|itinerary|"
    r"flight|hotel|restaurants?|vacation|hiking|hikes?|trails?|car|oil change|tax|taxes|mortgage|rain|raining|sunny|temperature|"
    r"traffic|sushi|pizza|coffee shops?|cafes?|bars|farmers market|museums?|things to do|concerts?)\b",
    re.I,
)
# Where the clinic is and how to reach it, asked of "you": always the clinic's world ("where are you guys", "what's
# your address"), even with no clinic word
_REACHING_US = re.compile(
    r"\b(where (are|r) (you|u|y ?all)|where (is|are) (your|the) (clinic|office|practice)|your (address|location|office|"
    r"phone|number|email|e-mail|website|hours|fax|fax number|instagram|social media)|(call|reach|contact|email|find|visit|text|fax) (you|u)\b|"
    r"how do i get (to|there))",
    re.I,
)
# Getting ready for a visit, asked in the first person with no clinic word ("what should I wear?", "can someone come
# with me?"): in the clinic's chat that is about the visit, never out of scope. ("What should I bring?" is left out:
# the articles say nothing of it, and the cross-encoder then picks a passage on what to bring *to mind*.)
_THE_VISIT = re.compile(
    r"\b((what|should|do|can|must) (should |do |can )?i wear|"
    r"(come|stay|be) (in there |in the room )?with me|(bring|have) (someone|a friend|a support person|my \w+) (with|along)|"
    r"(arrive|get there|show up|check in)\b.{0,20}\b(early|before|on time)|how early)\b",
    re.I,
)
# Clinic words that only place a question near the clinic: "will it rain in Menlo Park", "a good hike near your office"
_PLACE_ONLY = frozenset(["menlo", "park", "office", "clinic", "located", "location"])

# "Do you take Aetna?", "Do you offer TMS?": the thing asked about must exist in the articles.
_OFFER_Q = re.compile(
    r"\b(do|does|can|will) (you|your clinic|the clinic|soft reboot|they|dr\.? herman)( also)? "
    r"(offer|provide|do|have|take|accept|treat|see|prescribe|bill|work with|support|perform|give|use|carry)\b|"
    r"\bis there (a|an|any)\b|\bare (you|they) (in[- ]network|open|covered)\b|\bcan i (get|use|pay|bring|do)\b",
    re.I,
)
# "Can ketamine help my migraines?", "Does it cause nausea?", "Is ketamine addictive?": what the question asks
# about is the object of help / treat / cause..., or the quality asked of the treatment; the articles must name it
_ASKS_ABOUT = re.compile(
    r"\b(?:ketamine|esketamine|sgb|kap|infusions?|(?:the |this )?treatments?|therapy|it|they)\s+(?:\w+\s+){0,2}?"
    r"(?:help|helps|treat|treats|cure|cures|fix|fixes|work for|works for|good for|used for|effective for|approved for|"
    r"cause|causes|give you|give me|lead to|leads to|show up on|interact with|interfere with|"
    # "make me nauseous", not "make me feel weird" (how the experience feels, which the articles describe)
    r"makes? (?:me|you|people|patients|someone)(?!\s+feel)|raise|raises|lower|lowers|damage|damages)\s+"
    r"(?:with\s+|for\s+|my\s+|me\s+|you\s+|your\s+|a\s+|an\s+|the\s+|any\s+|people with\s+|someone with\s+)*(?P<thing>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)"
    r"|^\W*(?:is|are|can|could)\s+(?:ketamine|esketamine|sgb|kap|the infusions?|infusions|the treatment|this treatment)\s+"
    r"(?:be\s+)?(?P<quality>[a-z][\w-]*)\W*$"
    r"|\b(?:get|become|be|am i|feel)\s+(?P<state>[a-z][\w-]*)\s+(?:to|on|from)\s+(?:ketamine|esketamine|the infusions?|infusions|the treatment|it)\b",
    re.I,
)
# Question words that carry no topic (they never make a question unanswerable by their absence)
_GENERIC = frozenset(
    tokenize(
        [
            "offer provide take accept treat see prescribe bill work support perform give use get pay bring carry also clinic "
            "clinics patient patients people person someone anyone kind type types sort option options available availability "
            "currently ever still per each every first next time times thing things way ways help question questions answer "
            "price cost costs fee fees much many long soon quickly number actual actually really like good best better "
            "besides except aside apart beyond else other others anything something instead wait waiting charge charged pricey pricy "
            "afford affordable expensive money dollars more another again additional extra both"
        ]
    )[0]
)


@dataclass(frozen=True)
class Abstention:
    """The judge's decision not to answer; `reason` says why in a line for the staff console's trace."""

    reason: str


@dataclass(frozen=True)
class AbstainConfig:
    min_rerank: float = -6.0  # the cross-encoder's logit for the best sentence below this: nothing answers it
    # General information after a medical-advice referral must answer what was asked far more surely than an answer
    # must: the question is personal ("I have afib, can I still get ketamine?"), so a passage that is only about the
    # treatment reads as a reply about that person. On the 300 medical-advice replies of every labelled set, the
    # general information quoted below a logit of 5 was about something else in nearly every case (a ride home for
    # "should I skip my klonopin the night before?", the NMDA receptor for "does lamictal interfere?"); above it,
    # the articles' own answer (driving home, music during the infusion)
    min_rerank_general: float = 5.0
    oos_max_dense: float = 0.15  # no clinic word and no passage closer than this: out of scope
    term_rules: bool = True  # unknown names/offers rules (measured with and without in the eval harness)


class AnswerabilityJudge:
    def __init__(self, vocabulary: set[str], bigrams: set[tuple[str, str]], config: AbstainConfig | None = None) -> None:
        self.vocabulary = vocabulary  # every stemmed term of the articles
        self.bigrams = bigrams  # every pair of adjacent stemmed terms (stop words removed)
        self.config = config or AbstainConfig()

    @classmethod
    def from_chunks(cls, texts: Sequence[str], vocabulary: set[str], config: AbstainConfig | None = None) -> AnswerabilityJudge:
        bigrams = {pair for tokens in tokenize(list(texts)) for pair in itertools.pairwise(tokens)}
        return cls(vocabulary, bigrams, config)

    def out_of_scope(self, question: str, hits: Sequence[Hit]) -> Abstention | None:
        """An Abstention when the question is not about the clinic's world at all, else None."""
        if _REACHING_US.search(question) or _THE_VISIT.search(question) or CONTACT_DETAILS in asked_kinds(question):
            return None
        clinic_words = set(content_words(question)) & DOMAIN_TERMS
        names_the_clinic = bool(re.search(r"\bsoft reboot\b|\bketamine\b", question, re.I))
        if clinic_words and clinic_words <= _PLACE_ONLY and OFF_TOPIC_TASK.search(question) and not names_the_clinic:
            return Abstention("off-topic task near the clinic")
        if clinic_words or names_the_clinic:
            return None
        if OFF_TOPIC_TASK.search(question):
            return Abstention("off-topic task")
        best = max((h.dense for h in hits), default=0.0)
        if best < self.config.oos_max_dense:
            return Abstention(f"no clinic topic; best passage cosine {best:.2f} < {self.config.oos_max_dense}")
        return None

    def not_covered(self, question: str, hits: Sequence[Hit], composition: Composition, retrieval_text: str = "") -> Abstention | None:
        """An Abstention when the articles don't answer the question, else None.

        `question` is the message as typed (what kind of thing it asks for); `retrieval_text` is the
        question with its conversation context (what it is about)."""
        cfg = self.config
        if not hits or not composition.sentences:
            return Abstention("no passage retrieved")
        if composition.rerank < cfg.min_rerank and not _evidently_answered(question, composition.sentences):
            return Abstention(f"cross-encoder score {composition.rerank:.2f} < {cfg.min_rerank}")
        if cfg.term_rules:
            missing = self._unknown_terms(question)
            asked_about = _offered_thing(question) & missing
            if asked_about or (missing and len(question.split()) <= 10 and _proper_terms(question, missing)):
                return Abstention(f"the articles never mention: {', '.join(sorted(asked_about or missing))}")
            unknown_thing = _asked_about(question) & missing
            if unknown_thing:
                return Abstention(f"asks about what the articles never mention: {', '.join(sorted(unknown_thing))}")
            if _OFFER_Q.search(question) and not self._offer_covered(question, hits):
                return Abstention("asks whether the clinic offers something the articles never pair together")
        return self._kind_missing(question, retrieval_text or question, composition.sentences)

    def _offer_covered(self, question: str, hits: Sequence[Hit]) -> bool:
        """For "do you offer/treat X Y?": X Y occur together in the articles (adjacent, or in one retrieved passage).
        True when what follows is a word of no topic ("is there a fee for the first SGB visit?", "is there a wait"):
        the question asks about that, and the kind checks decide."""
        match = _OFFER_Q.search(question)
        following = tokenize([question[match.end() :]])[0][:1] if match else []
        if following and following[0] in _GENERIC:
            return True
        focus = [t for t in tokenize([question])[0] if t not in _GENERIC]
        if len(focus) < 2:
            return True
        if any(pair in self.bigrams for pair in itertools.pairwise(focus)):
            return True
        return any(set(focus) <= terms(h.chunk.embed_text) for h in hits)

    def _unknown_terms(self, question: str) -> set[str]:
        """The question's stemmed terms the articles never use. A plural the stemmer keeps ("SNRIs" -> "snris") knows
        its singular ("SNRI")."""
        return {t for t in tokenize([question])[0] if t not in self.vocabulary and f"{t}s" not in self.vocabulary and t not in _GENERIC and not t.isdigit()}

    def _kind_missing(self, question: str, about: str, sentences: Sequence[str]) -> Abstention | None:
        focus = {t for t in tokenize([about])[0] if t not in _GENERIC}
        for kind in asked_kinds(question):
            holding = [s for s in sentences if holds_kind(kind, s, focus)]
            if not holding:
                return Abstention(f"asks for {kind}; the selected sentences hold none")
            if not any(of_what_is_asked(kind, question, s, about) for s in holding):
                return Abstention(f"asks for {kind}; the selected sentences give one for something else")
        return None


def _evidently_answered(question: str, sentences: Sequence[str]) -> bool:
    """Does the question ask only for kinds whose presence answers it (`SELF_EVIDENT_KINDS`: the clinic's email or
    phone), and do the selected sentences hold each of them?"""
    kinds = asked_kinds(question)
    return bool(kinds) and set(kinds) <= SELF_EVIDENT_KINDS and all(any(holds_kind(k, s) for s in sentences) for k in kinds)


def _offered_thing(question: str) -> set[str]:
    """The terms right after "do you offer / take / accept / have ..." (what the question asks the clinic has)."""
    match = _OFFER_Q.search(question)
    if not match:
        return set()
    following = question[match.end() :].split()[:4]
    return {t for t in tokenize([" ".join(following)])[0] if t not in _GENERIC}


def _asked_about(question: str) -> set[str]:
    """The terms of what the question asks the treatment to help with or cause, or the quality it asks of it
    ("Can ketamine help my migraines?" -> {"migrain"}); empty when the question asks neither."""
    match = _ASKS_ABOUT.search(question)
    if not match:
        return set()
    return set(tokenize([match.group("thing") or match.group("quality") or match.group("state") or ""])[0])


def _proper_terms(question: str, missing: set[str]) -> bool:
    """Is one of the unknown terms a name or an acronym (Aetna, TMS, Spravato) rather than a common word?"""
    return any((word[0].isupper() or word.isupper()) and set(tokenize([word])[0]) & missing for word in re.findall(r"\b[A-Za-z][\w-]*", question)[1:])
