"""Presidio recognizers for what patients type that Presidio's own set misses.

Each returns Presidio `RecognizerResult`s and needs no NLP artifacts, so the same set runs on every
message, with or without the named-entity model:
- dates of birth written out or in numbers ("3 March 1985", "the fourth of July 1985", "born on the
  fourth of March, nineteen eighty-five", "04/12/1979"): any full date, and partial ones after a
  birth cue;
- phone numbers through Presidio's `phonenumbers`-based `PhoneRecognizer` for the regions patients
  write from, plus US and international (+/00) shapes;
- social security numbers in every spacing; card numbers; e-mail addresses;
- street addresses by pattern, with a suffix, with a unit, or after "live at"-style cues;
- insurance member, group, policy and record ids after their cue, and (when unsure) any token that
  looks like an identifier: five or more digits, or letters mixed with four or more digits;
- names after a cue ("my name is", "I'm", "this is", "my husband", sign-offs "thanks, ...").
"""

from __future__ import annotations

import regex as re  # variable-width look-behind, as Presidio's own patterns use
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from conversations import lexicon

# where patients write from: the US and Canada first, then the countries of the clinic's visitors
PHONE_REGIONS = ("US", "CA", "MX", "GB", "IE", "IN", "AU", "NZ", "DE", "FR", "ES", "IT", "NL", "BR", "PH", "CN", "JP", "KR", "IL", "ZA", "NG")

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_ORD_UNITS = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
_ORDINAL = (
    rf"(?:{_ORD_UNITS}|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
    rf"|twentieth|thirtieth|(?:twenty|thirty)[\s-]?{_ORD_UNITS})"
)
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_TEENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_YEAR_WORDS = rf"(?:nineteen|twenty|two\s+thousand(?:\s+and)?)[\s-]+(?:{_TENS}(?:[\s-]+{_UNITS})?|{_TEENS}|oh[\s-]+{_UNITS}|{_UNITS}|hundred)"
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL})"
_YEAR = rf"(?:\d{{4}}|'\d{{2}}|{_YEAR_WORDS})"
_NUMERIC_DATE = r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})"
FULL_DATE = rf"\b(?:{_NUMERIC_DATE}|{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}|{_MONTH}\s+(?:the\s+)?{_DAY},?\s+{_YEAR})\b"
_BIRTH_CUE = r"\b(?:born|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|b-?day)\b(?:\s+(?:is|was|on|in|the|:|-))*[\s:.-]*"
PARTIAL_BIRTH = rf"(?<={_BIRTH_CUE})(?:{_DAY}(?:\s+of)?\s+{_MONTH}|{_MONTH}\s+(?:the\s+)?{_DAY}|{_MONTH}\s+{_YEAR}|{_YEAR})\b"

_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|circle|cir|highway|hwy|parkway|pkwy"
    r"|terrace|ter|alley|loop|row|square|sq|trail|trl|crescent|close|grove)\b\.?"
)
_UNIT = r"(?:,?\s*(?:(?:apt|apartment|unit|suite|ste)\b\.?|#)\s*#?\s*(?:\d[\w-]*|[a-z]\d*)\b)"  # "apt 5", "unit 12b", "#4", "suite C"
_STREET_WORDS = r"(?:[\w'.-]+\s+){0,3}[\w'.-]+"
_LIVE_CUE = (
    r"(?<=\b(?:live at|live on|living at|living on|staying at|address is|address:|home:|home is|i'm at|im at|i am at|we're at"
    r"|we are at|located at|send it to|mail it to|ship to|moved to)\s)"
)
ADDRESS_PATTERNS = [
    (rf"(?<![\w-])\d{{1,6}}\s+{_STREET_WORDS}\s+{_SUFFIX}{_UNIT}?", 0.7),
    (rf"(?<![\w-])\d{{1,6}}\s+(?:el\s+camino(?:\s+real)?|camino|calle|avenida|via|vía|paseo|rue|rua)\s+{_STREET_WORDS}?{_UNIT}?", 0.7),
    (rf"(?<![\w-])\d{{1,6}}\s+{_STREET_WORDS}{_UNIT}", 0.6),
    (rf"{_LIVE_CUE}\d{{1,6}}[a-z]?\s+(?:(?!in\b|near\b|and\b|but\b|is\b|so\b)[\w'.-]+\s*){{1,4}}{_UNIT}?", 0.6),
]
_ID_CUE = (
    r"(?<=\b(?:member|subscriber|policy|group|insurance|medicare|medicaid|mrn|record|account|patient|id|card|plan|claim)"
    r"(?:\s+(?:id|number|no\.?|num|#))?\s*(?:is|:|#|-)?\s*)"
)
PATTERNS: dict[str, list[tuple[str, float]]] = {
    "EMAIL_ADDRESS": [(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", 0.9)],
    "CREDIT_CARD": [(r"\b(?:\d[ -]?){12,18}\d\b", 0.6)],
    "US_SSN": [(r"\b\d{3}([\s.-]?)\d{2}\1\d{4}\b", 0.6)],
    "PHONE_NUMBER": [
        (r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\b\d{3})[\s.-]?\d{3}[\s.-]?\d{4}\b", 0.6),
        (r"(?:\+|\b00)\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,6}\b", 0.6),
    ],
    "STREET_ADDRESS": ADDRESS_PATTERNS,
    "DATE_OF_BIRTH": [(FULL_DATE, 0.7), (PARTIAL_BIRTH, 0.7)],
    "ID": [
        (rf"{_ID_CUE}(?=[\w-]*\d)[a-z0-9][a-z0-9-]{{3,}}\b", 0.6),
        (r"\b(?=(?:[a-z-]*\d){5})[a-z0-9][a-z0-9-]{4,}\b", 0.5),  # 5+ digits: record numbers, zip codes
        (r"\b(?=[a-z0-9-]*[a-z])(?=(?:[a-z-]*\d){4})[a-z0-9][a-z0-9-]{5,}\b", 0.5),  # letters mixed with 4+ digits
    ],
}

# a name follows these; the name is taken word by word while words may be names
_NAME_CUE = re.compile(
    r"(?:\b(?:my\s+name\s+is|my\s+name'?s|(?:first|last|given|family|sur)\s*name(?:\s+is)?|mrs?\.?|ms\.?|miss|mx\.?|name\s*:|names?\s+is|i\s+am|i'?m|this\s+is|it'?s|call\s+me|named|called|soy|me\s+llamo"
    r"|sincerely|regards|cheers|best|thanks|thank\s+you(?:\s+so\s+much)?|love)[,:]?"
    r"|\bmy\s+(?:husband|wife|son|daughter|partner|friend|mom|mother|dad|father|brother|sister|boyfriend|girlfriend|fianc[ée]e?"
    r"|child|kid|aunt|uncle|cousin|grandma|grandpa|grandmother|grandfather|therapist|psychiatrist|doctor|provider|counselor)\b,?"
    r"(?:\s+(?:dr\.?|doctor))?|\bdr\.?|(?:^|[.!?]\s*)-)\s+",
    re.IGNORECASE,
)
_ONE_NAME_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
_NAME_HERE = re.compile(
    rf"(?:^|\b(?:hi|hey|hello|hiya|ok|okay)\b[,!.]?\s+|[.!?]\s+)({_ONE_NAME_WORD}(?:\s+{_ONE_NAME_WORD}){{0,2}})(?=\s+here\b)", re.IGNORECASE
)
_PARTICLES = frozenset("van von der den de da del della di du la le bin ibn al el st mc mac o".split())
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


class CueNameRecognizer(EntityRecognizer):
    """Names after a cue, in any case: "my name is sophy santino", "my husband james ortega", "thanks, kwame"."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="CueNameRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        results = []
        for cue in _NAME_CUE.finditer(text):
            end = _name_after(text, cue.end())
            if end > cue.end():
                results.append(RecognizerResult("PERSON", cue.end(), end, 0.7))
        for here in _NAME_HERE.finditer(text):  # "hi, kenji here"
            words = _NAME_WORD.findall(here.group(1))
            if all(lexicon.may_be_name(w) or w.lower() in _PARTICLES for w in words):
                results.append(RecognizerResult("PERSON", here.start(1), here.end(1), 0.7))
        return results


def _name_after(text: str, pos: int) -> int:
    """End of the name (up to four words) that starts at `pos`, or `pos` when none does."""
    end = pos
    for words, match in enumerate(_NAME_WORD.finditer(text, pos)):
        if text[end : match.start()].strip() or words == 4:
            break  # punctuation between words, or long enough
        word = match.group(0)
        # a word the writer capitalised after the cue is a name unless it is a frequent word ("I'm Feeling")
        name_like = lexicon.may_be_name(word) or (word[:1].isupper() and not word.isupper() and lexicon.count(word) < lexicon.MISSPELT_OF_COUNT)
        if not name_like and not (word.lower() in _PARTICLES and words):
            break
        if name_like:
            end = match.end()
    return end


def pattern_recognizers() -> list[EntityRecognizer]:
    """Every recognizer above, ready to run without the NLP engine."""
    flags = re.IGNORECASE | re.UNICODE
    recognizers: list[EntityRecognizer] = [
        PatternRecognizer(supported_entity=label, patterns=[Pattern(f"{label.lower()}_{i}", p, s) for i, (p, s) in enumerate(pats)], global_regex_flags=flags)
        for label, pats in PATTERNS.items()
    ]
    return [*recognizers, PhoneRecognizer(supported_regions=PHONE_REGIONS), CueNameRecognizer()]
