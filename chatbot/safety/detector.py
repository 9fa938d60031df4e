"""Crisis, emergency and medical-advice detection: layered, reviewable, decided by code.

Layers, for the message and each of its clauses (risk is often buried after "because" or "?"):
  1. normalisation (normalize.py): spelling, slang, leetspeak, stretched and spaced letters;
  2. the lexicon (data/lexicon.toml): idioms are blanked out first ("this heat is killing me");
     strong crisis patterns then fire alone; weak risk words fire unless a cue explains them
     (informational question, recovered history, explicit negation);
  3. statistical: a classifier over word and character n-grams trained on ~4,000 labelled
     messages (classifier.py), for paraphrases no list foresaw;
  4. semantic: the embedding already computed for the question, compared with the bank of crisis
     exemplars (data/exemplars.toml) written from the C-SSRS levels.
A false alarm costs a resource card; a miss is the worst defect, so doubt resolves to crisis.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from chatbot.safety.classifier import CrisisClassifier
from chatbot.safety.lexicon import ExemplarBank, Lexicon
from chatbot.safety.social import social_kind
from chatbot.types import Route

Encoder = Callable[[Sequence[str]], np.ndarray]

_CLAUSE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\s+(?:because|cause|cuz|bc|but|and then|so|since|otherwise|or else|also)\s+|\n+", re.I)
# A weak risk word counts only in a message about the writer or someone they know (or a bare word or two).
_PERSONAL = re.compile(r"\b(i|im|ive|id|ill|me|my|myself|mine|we|us|our|mi|yo|estoy|tengo|quiero)\b")
_FIRST_PERSON = re.compile(r"\b(?:i|im|ive|id|ill|me|myself)\b")
_RELATIVE = r"son|daughter|kid|child|baby|toddler|husband|wife|partner|boyfriend|girlfriend|friend|roommate|mom|mother|dad|father|brother|sister|grandma"
_THIRD_PERSON = re.compile(
    rf"\b(?:he|she|they|him|her|his|them|their|hes|shes|theyre|someone|somebody|(?:my|our) (?:\w+ )?(?:{_RELATIVE}|neighbor|coworker|patient|client))\b"
)
_MEDICATION = re.compile(
    r"\b(?:meds?|medications?|pills?|doses?|dosage|mg|lozenges?|troches?|spray|antidepressants?|ssris?|benzos?|ambien|xanax|klonopin"
    r"|ativan|lexapro|zoloft|prozac|trazodone|seroquel|depakote|lithium|lamictal|adderall|melatonin|wellbutrin|effexor)\b"
)
# a follow-up asked as a question ("and the day of it?", "what about the last one"), not a statement
_FOLLOW_UP_QUESTION = re.compile(r"\?\s*$|^\W*(?:and|so|then|but|ok(?:ay)?,?\s+(?:and|so)|what about|how about)\b", re.I)
EXPLAINING_CUES = frozenset({"informational", "idiom", "negation", "generic_subject", "definition"})
# cues that make the classifier ask for more certainty (they do not explain a lexicon match away)
CAUTION_CUES = EXPLAINING_CUES | {"coping", "care_preference"}


@dataclass(frozen=True)
class SafetyConfig:
    exemplar_fire: float = 0.82  # cosine to a crisis exemplar that fires on its own (no cue present)
    # chosen by the recall-preserving threshold search (scripts/train_crisis_classifier.py --search, round 2):
    # the lowest out-of-fold misses on the frontier, which also has fewer false alarms than round 1's setting
    classifier_alone: float = 0.70  # classifier probability that fires on its own
    classifier_corroborated: float = 0.40  # ... that fires when the message is also near a crisis exemplar
    exemplar_corroboration: float = 0.40  # the cosine that counts as "near" for that
    classifier_cued: float = 0.95  # with a cue (informational, idiom, coping, history...): only this, and near an exemplar
    # A symptom the clinic treats, described ("I can't sleep, I'm always on edge, loud noises make me jump"): the
    # classifier scored such clauses 0.69-0.95, and 14 of my 32 messages of symptoms and a question got the crisis
    # card. Only this, and near an exemplar: below it, crisis messages that name symptoms scored 0.93-1.00 (16 probes);
    # the safety sets: crisis 1144/1145 and false alarms 18/2001 before and after
    classifier_symptom: float = 0.90


@dataclass(frozen=True)
class SafetyAssessment:
    route: Route | None  # crisis, emergency, medical_advice, social, or None (an ordinary message)
    signals: tuple[str, ...]
    crisis_score: float = 0.0  # the classifier's probability for the riskiest clause
    emergency: bool = False  # emergency signals (shown with the crisis card when both fire)
    injection: bool = False
    crisis_too: bool = False  # route emergency, but a crisis signal fired too (someone else's, or the classifier's): the card follows
    social: str = ""  # greeting | thanks | acknowledgement | farewell (route social)


class SafetyDetector:
    def __init__(
        self, lexicon: Lexicon, bank: ExemplarBank, encode: Encoder, classifier: CrisisClassifier | None = None, config: SafetyConfig | None = None
    ) -> None:
        self.lexicon = lexicon
        self.classifier = classifier
        self.config = config or SafetyConfig()
        self._encode = encode
        self._crisis = encode(list(bank.crisis)) if bank.crisis else None
        # per-text memos: a conversation's earlier turns are checked again on every later turn
        self.lexical_crisis = lru_cache(maxsize=16_384)(self._lexical_crisis)
        self.cue_kinds = lru_cache(maxsize=16_384)(self._cue_kinds)
        self.cued = lru_cache(maxsize=16_384)(self._cued)
        self.classifier_text = lru_cache(maxsize=16_384)(self._classifier_text)
        self._verdicts: OrderedDict[str, bool] = OrderedDict()
        self._verdicts_lock = threading.Lock()

    @classmethod
    def load(cls, encode: Encoder, config: SafetyConfig | None = None) -> SafetyDetector:
        return cls(Lexicon.load(), ExemplarBank.load(), encode, CrisisClassifier.load(), config)

    def assess(self, message: str, message_vector: np.ndarray | None = None) -> SafetyAssessment:
        """Route for one message; `message_vector` (the query embedding) is reused when given."""
        clauses = split_clauses(message)
        texts = [message, *clauses] if len(clauses) > 1 else [message]
        signals: list[str] = []
        for text in texts:
            _fired, why = self.lexical_crisis(text)
            signals += [s for s in why if s not in signals]
        variants = self.lexicon.variants(message)
        advice = self.lexicon.matches(variants, "medical_advice")
        # a personal question about one's medication or dose ("can I take two instead of one?") is a caution cue:
        # the classifier must then be very sure (the lexicon still fires alone)
        score, semantic = self._semantic(texts, message_vector, caution=bool(advice) and bool(_MEDICATION.search(variants[0])))
        if not signals and semantic:
            signals.append(semantic)
        emergency = self._emergency(message, variants, signals)
        injection = self._injection(message, variants, signals)
        crisis = any(s.startswith(("lexicon:", "classifier:", "semantic:")) for s in signals)
        self._remember(message, crisis)
        if crisis and emergency and not _writer_at_risk(signals, variants[0]):
            # a bystander's emergency ("my husband overdosed and won't wake up") or a body emergency the
            # classifier also scored: 911 / Poison Control first, the crisis card after it
            return SafetyAssessment("emergency", tuple(signals), score, True, injection, crisis_too=True)
        if crisis:
            return SafetyAssessment("crisis", tuple(signals), score, emergency, injection)
        if emergency:
            return SafetyAssessment("emergency", tuple(signals), score, True, injection)
        kind = social_kind(message)
        if kind:
            return SafetyAssessment("social", (*signals, f"social:{kind}"), score, False, injection, social=kind)
        if advice:
            signals += [f"medical_advice:{name}" for name in advice]
            return SafetyAssessment("medical_advice", tuple(signals), score, False, injection)
        return SafetyAssessment(None, tuple(signals), score, False, injection)

    def was_crisis(self, text: str) -> bool:
        """The crisis verdict for an earlier message of a conversation (memoised: usually already known)."""
        with self._verdicts_lock:
            if text in self._verdicts:
                self._verdicts.move_to_end(text)
                return self._verdicts[text]
        return self.assess(text).route == "crisis"

    def _remember(self, text: str, crisis: bool) -> None:
        with self._verdicts_lock:
            self._verdicts[text] = crisis
            self._verdicts.move_to_end(text)
            while len(self._verdicts) > 16_384:
                self._verdicts.popitem(last=False)

    def _lexical_crisis(self, text: str) -> tuple[bool, tuple[str, ...]]:
        """The lexicon layer alone (no model): also used for every earlier turn of a conversation."""
        variants = self.lexicon.variants(text)
        cues = self.cue_kinds(text)
        hits = self.lexicon.matches(self.lexicon.mask(variants, "idiom"), "crisis", raw=text.lower())
        strong = {k.split(":", 1)[1]: v for k, v in hits.items() if k.startswith("strong:")}
        weak = {k.split(":", 1)[1]: v for k, v in hits.items() if k.startswith("weak:")}
        history_only = "history" in cues and "recent" not in cues
        # A strong pattern is explained away only by a question about people in general, or by a
        # recovered history with nothing recent; idioms were already blanked out above.
        definition = "definition" in cues and not _PERSONAL.search(variants[0])
        if strong and not (("generic_subject" in cues and "informational" in cues) or history_only or definition):
            return True, tuple(f"lexicon:{k}={v!r}" for k, v in strong.items())
        explained = bool(EXPLAINING_CUES & cues) or history_only
        if weak and not strong and not explained and (_PERSONAL.search(variants[0]) or len(variants[0].split()) <= 3):
            return True, tuple(f"lexicon:{k}={v!r}" for k, v in weak.items())
        return False, ()

    def quick_crisis(self, message: str) -> bool:
        """A crisis check without the embedding model (lexicon, classifier): for overload and failure paths.
        Leans to crisis: the corroboration the full check would ask for is skipped."""
        texts = [message, *split_clauses(message)]
        if any(self.lexical_crisis(t)[0] for t in texts):
            return True
        if self.classifier is None:
            return False
        probabilities = self.classifier.probability([self.classifier_text(t) for t in texts])
        return bool((probabilities >= self.config.classifier_corroborated).any())

    def _cue_kinds(self, text: str) -> frozenset[str]:
        """The kinds of the lexicon's cues found in this text (informational, idiom, history, symptom, recurring...):
        read once per text, for the lexicon layer, the classifier's thresholds and the emergency check alike."""
        return frozenset(self.lexicon.matches(self.lexicon.variants(text), "cue"))

    def _cued(self, text: str) -> bool:
        """Does a cue mark this text as informational, idiomatic, negated, coping, or recovered history?"""
        cues = self.cue_kinds(text)
        return bool(CAUTION_CUES & cues) or ("history" in cues and "recent" not in cues)

    def _classifier_text(self, text: str) -> str:
        """What the classifier reads: the normalised message with idioms blanked out."""
        return self.lexicon.mask(self.lexicon.variants(text)[:1], "idiom")[0]

    def _semantic(self, texts: list[str], vector: np.ndarray | None, caution: bool = False) -> tuple[float, str]:
        """The classifier over the message and its clauses, corroborated by the nearest crisis exemplar.

        Calibrated on a blind set and on ordinary clinic questions (scripts/train_crisis_classifier.py):
        the classifier alone fires only when very sure; below that it needs the message to sit near
        a crisis exemplar too, which keeps short ordinary questions ("is that permanent?") quiet."""
        cfg = self.config
        cued = [caution or self.cued(t) for t in texts]
        if vector is None and self._crisis is not None:
            vector = self._encode(texts[:1])[0]
        nearest = float((self._crisis @ vector).max()) if self._crisis is not None and vector is not None else 0.0
        best = 0.0
        if self.classifier is not None:
            probabilities = self.classifier.probability([self.classifier_text(t) for t in texts])
            best = float(probabilities.max())
            for p, is_cued, text in zip(probabilities, cued, texts, strict=True):
                if is_cued:
                    fires = p >= cfg.classifier_cued and nearest >= cfg.exemplar_corroboration
                elif "symptom" in self.cue_kinds(text):  # a symptom the clinic treats, described
                    fires = p >= cfg.classifier_symptom and nearest >= cfg.exemplar_corroboration
                else:
                    fires = p >= cfg.classifier_alone or (p >= cfg.classifier_corroborated and nearest >= cfg.exemplar_corroboration)
                if fires:
                    return float(p), f"classifier:{p:.2f}(exemplar {nearest:.2f})"
        if not cued[0] and nearest >= cfg.exemplar_fire:
            return best, f"semantic:exemplar={nearest:.2f}"
        return best, ""

    def _emergency(self, message: str, variants: tuple[str, ...], signals: list[str]) -> bool:
        """Is something happening now that needs 911 (or Poison Control) first? An emergency group that no cue
        explains, or an attempt under way (the crisis group act_in_progress, C-SSRS item 6: "I just took 30 of my
        pills", "I'm on the roof"), which 988's own guidance sends to 911, unless it is told as weeks or more ago
        and nothing says now. Appends the signals that decided it."""
        under_way = any(s.startswith("lexicon:act_in_progress") for s in signals)
        found = self.lexicon.matches(variants, "emergency")
        if not under_way and not found:
            return False  # the common case: no cue needs reading
        cues = self.cue_kinds(message)
        if under_way and ("past_act" not in cues or "now" in cues):
            signals.append("emergency:act_in_progress")
            return True
        if not found:
            return False
        # told as weeks ago ("a few weeks ago I swallowed..."): only a marker of now ("just took", "I'm getting
        # sleepy") makes it an emergency; the broader "present" cue ("help", "now") does not
        told_as_past = ("past_act" in cues and "now" not in cues) or ("history" in cues and "recent" not in cues and "present" not in cues)
        # "I get panic attacks out of nowhere, my chest gets tight and I feel like I can't breathe. Do you treat anxiety
        # too?" is a symptom that recurs, told before a question: nothing says it is happening now
        if told_as_past or ("present" not in cues and ("general_question" in cues or "recurring" in cues)):
            return False
        signals += [f"emergency:{name}={text!r}" for name, text in found.items()]
        return True

    def read_with_turn_before(self, message: str, assessment: SafetyAssessment, joined: str) -> SafetyAssessment:
        """`assessment` of a follow-up fragment, read again as `joined`: the message after the writer's earlier
        messages it leans on (the caller passes only a message that leans on them).

        The classifier alone scores a bare fragment high ("and the day of it?" 0.88, "and the last one?" 0.91): with
        no words of its own it falls back on its prior. A crisis found by the classifier alone, in a message that
        speaks of no one ("no one would notice anyway" still does not qualify: it fires joined too), stays a crisis
        unless the joined reading is below `classifier_corroborated` (0.40). Measured: the classifier-only labelled
        crises of safety-blind7 that follow another turn score 0.96-1.00 joined; 12 routine time fragments after four
        routine questions 0.00-0.15. Only a follow-up asked as a question: a statement ("the day is already chosen"
        after a question on preparing for SGB) keeps its verdict. Never lowers a lexicon or exemplar verdict."""
        if assessment.route != "crisis" or self.classifier is None or joined.strip() == message.strip():
            return assessment
        if not assessment.signals or not all(s.startswith("classifier:") for s in assessment.signals):
            return assessment
        if _PERSONAL.search(self.lexicon.variants(message)[0]) or not _FOLLOW_UP_QUESTION.search(message):
            return assessment  # a statement ("the day is already chosen") keeps its verdict, whatever came before
        probability = float(self.classifier.probability([self.classifier_text(joined)])[0])
        if probability >= self.config.classifier_corroborated:
            return assessment
        signals = (*assessment.signals, f"context:routine_follow_up(joined {probability:.2f})")
        return replace(assessment, route=None, signals=signals)

    def in_context(self, message: str, earlier: Sequence[str]) -> tuple[str, ...]:
        """Risk that only the conversation shows: `message` asks how many or how much would be enough ("how many
        would it take", "would that be enough?") and one of the last two of the writer's `earlier` messages (oldest
        first) says the means are at hand ("I have a full bottle of lithium at home"): C-SSRS 3, thoughts with method.
        The signals when it fires (and the message is remembered as a crisis for later turns), else ()."""
        if not earlier:
            return ()
        # the first variant only: the one with stretched letters reduced reads "to see results" as "to se results",
        # which the question's exclusions would miss
        question = self.lexicon.matches(self.lexicon.variants(message)[:1], "context").get("lethality_question")
        if question is None:
            return ()
        for turn in reversed(earlier[-2:]):
            means = self.lexicon.matches(self.lexicon.variants(turn), "context").get("means_at_hand")
            if means is not None:
                self._remember(message, True)
                return (f"context:lethality_question={question!r}", f"context:means_at_hand={means!r}")
        return ()

    def _injection(self, message: str, variants: tuple[str, ...], signals: list[str]) -> bool:
        found = self.lexicon.matches((message.lower(), *variants), "injection")
        if found:
            signals.append("injection")
        return bool(found)


def _writer_at_risk(signals: Sequence[str], normalised: str) -> bool:
    """Is the writer the one at risk? A lexicon group about one's own risk fired (anything but the third-party
    group), and the message speaks of the writer, or of no one else ("my husband took all his pills": not the writer)."""
    own = any(s.startswith("lexicon:") and not s.startswith("lexicon:third_party") for s in signals)
    return own and (bool(_FIRST_PERSON.search(normalised)) or not _THIRD_PERSON.search(normalised))


def split_clauses(message: str) -> list[str]:
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(message) if p and p.strip()]
    return [p for p in parts if len(p.split()) >= 2] or [message]
