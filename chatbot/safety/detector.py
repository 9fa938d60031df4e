"""Crisis, emergency and medical-advice detection: layered, reviewable, decided by code.

Layers, for the message and each of its clauses (risk is often buried after "because" or "?"):
  1. normalisation (normalize.py): spelling, slang, leetspeak, stretched and spaced letters;
  2. the lexicon (data/lexicon.toml): idioms are blanked out first ("this heat is killing me");
     strong crisis patterns then fire alone; weak risk words fire unless a cue explains them
     (informational question, recovered history, explicit negation);
  3. semantic: the embedding already computed for the question, scored by a linear probe trained
     on the exemplar bank and the development sets (probe.py), and compared with the crisis
     exemplars (data/exemplars.toml), for paraphrases no list foresaw.
A false alarm costs a resource card; a miss is the worst defect, so doubt resolves to crisis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from chatbot.safety.lexicon import ExemplarBank, Lexicon
from chatbot.safety.probe import CrisisProbe
from chatbot.types import Route

Encoder = Callable[[Sequence[str]], np.ndarray]

_CLAUSE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\s+(?:because|cause|cuz|bc|but|and then|so|since|otherwise|or else|also)\s+|\n+", re.I)
# A weak risk word counts only in a message about the writer or someone they know (or a bare word or two).
_PERSONAL = re.compile(r"\b(i|im|ive|id|ill|me|my|myself|mine|we|us|our|mi|yo|estoy|tengo|quiero)\b")
_EXPLAINING_CUES = frozenset({"informational", "idiom", "negation", "generic_subject"})


@dataclass(frozen=True)
class SafetyConfig:
    exemplar_fire: float = 0.82  # cosine to a crisis exemplar that fires on its own (no cue present)
    probe_fallback: float = 0.80  # probe threshold if the probe file carries none


@dataclass(frozen=True)
class SafetyAssessment:
    route: Route | None  # crisis, emergency, medical_advice, or None (an ordinary message)
    signals: tuple[str, ...]
    crisis_score: float = 0.0  # the probe's probability (or exemplar cosine) of the riskiest clause
    emergency: bool = False  # emergency signals (shown with the crisis card when both fire)
    injection: bool = False


class SafetyDetector:
    def __init__(self, lexicon: Lexicon, bank: ExemplarBank, encode: Encoder, probe: CrisisProbe | None = None, config: SafetyConfig | None = None) -> None:
        self.lexicon = lexicon
        self.probe = probe
        self.config = config or SafetyConfig()
        self._encode = encode
        self._crisis = encode(list(bank.crisis)) if bank.crisis else None

    @classmethod
    def load(cls, encode: Encoder, model: str = "", config: SafetyConfig | None = None) -> SafetyDetector:
        return cls(Lexicon.load(), ExemplarBank.load(), encode, CrisisProbe.load(model) if model else None, config)

    def assess(self, message: str, message_vector: np.ndarray | None = None) -> SafetyAssessment:
        """Route for one message; `message_vector` (the query embedding) is reused when given."""
        clauses = split_clauses(message)
        texts = [message, *clauses] if len(clauses) > 1 else [message]
        signals: list[str] = []
        for text in texts:
            _fired, why = self.lexical_crisis(text)
            signals += [s for s in why if s not in signals]
        score, semantic = self._semantic(texts, message_vector)
        if not signals and semantic:
            signals.append(semantic)
        variants = self.lexicon.variants(message)
        emergency = self._emergency(variants, signals)
        injection = self._injection(message, variants, signals)
        crisis = any(s.startswith(("lexicon:", "semantic:")) for s in signals)
        if crisis:
            return SafetyAssessment("crisis", tuple(signals), score, emergency, injection)
        if emergency:
            return SafetyAssessment("emergency", tuple(signals), score, True, injection)
        advice = self.lexicon.matches(variants, "medical_advice")
        if advice:
            signals += [f"medical_advice:{name}" for name in advice]
            return SafetyAssessment("medical_advice", tuple(signals), score, False, injection)
        return SafetyAssessment(None, tuple(signals), score, False, injection)

    def lexical_crisis(self, text: str) -> tuple[bool, list[str]]:
        """The lexicon layer alone (no model): also used for every earlier turn of a conversation."""
        variants = self.lexicon.variants(text)
        cues = self.lexicon.matches(variants, "cue")
        hits = self.lexicon.matches(self.lexicon.mask(variants, "idiom"), "crisis", raw=text.lower())
        strong = {k.split(":", 1)[1]: v for k, v in hits.items() if k.startswith("strong:")}
        weak = {k.split(":", 1)[1]: v for k, v in hits.items() if k.startswith("weak:")}
        history_only = "history" in cues and "recent" not in cues
        # A strong pattern is explained away only by a question about people in general, or by a
        # recovered history with nothing recent; idioms were already blanked out above.
        if strong and not (("generic_subject" in cues and "informational" in cues) or history_only):
            return True, [f"lexicon:{k}={v!r}" for k, v in strong.items()]
        explained = bool(_EXPLAINING_CUES & set(cues)) or history_only
        if weak and not strong and not explained and (_PERSONAL.search(variants[0]) or len(variants[0].split()) <= 3):
            return True, [f"lexicon:{k}={v!r}" for k, v in weak.items()]
        return False, []

    def _cued(self, text: str) -> bool:
        cues = self.lexicon.matches(self.lexicon.variants(text), "cue")
        return bool(_EXPLAINING_CUES & set(cues)) or ("history" in cues and "recent" not in cues)

    def _semantic(self, texts: list[str], vector: np.ndarray | None) -> tuple[float, str]:
        """The probe (and the nearest crisis exemplar) over the message and its clauses."""
        if vector is not None:
            rest = self._encode(texts[1:]) if len(texts) > 1 else np.zeros((0, vector.shape[-1]), np.float32)
            vectors = np.vstack([vector.reshape(1, -1), rest])
        else:
            vectors = self._encode(texts)
        best = 0.0
        for i, text in enumerate(texts):
            cued = self._cued(text)
            if self.probe is not None:
                p = float(self.probe.probability(vectors[i : i + 1])[0])
                best = max(best, p)
                if p >= (self.probe.cued_threshold if cued else self.probe.threshold):
                    return p, f"semantic:probe={p:.2f}"
            if self._crisis is not None and not cued:
                similarity = float((self._crisis @ vectors[i]).max())
                if similarity >= self.config.exemplar_fire:
                    return max(best, similarity), f"semantic:exemplar={similarity:.2f}"
        return best, ""

    def _emergency(self, variants: tuple[str, ...], signals: list[str]) -> bool:
        found = self.lexicon.matches(variants, "emergency")
        if not found:
            return False
        cues = self.lexicon.matches(variants, "cue")
        if "present" not in cues and ("general_question" in cues or ("history" in cues and "recent" not in cues)):
            return False
        signals += [f"emergency:{name}={text!r}" for name, text in found.items()]
        return True

    def _injection(self, message: str, variants: tuple[str, ...], signals: list[str]) -> bool:
        found = self.lexicon.matches((message.lower(), *variants), "injection")
        if found:
            signals.append("injection")
        return bool(found)


def split_clauses(message: str) -> list[str]:
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(message) if p and p.strip()]
    return [p for p in parts if len(p.split()) >= 2] or [message]
