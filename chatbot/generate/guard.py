"""The grounding guard: a generated draft is checked sentence by sentence against the passages it was
given. A sentence survives only if it cites a given passage and everything checkable in it — numbers,
doses, prices, time spans, names, negations — is in that passage, and most of its words are too.
A contradicted passage, or too little left, means the extractive answer is used instead."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from chatbot.generate.base import PassageText
from index.lexical import terms
from ingest.text import split_sentences

_CITE = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(
    r"\$\s?\d[\d,]*(?:\.\d+)?|\d+(?:[.,]\d+)?\s?%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|hundred|thousand|half|dozen|once|twice)\b",
    re.I,
)
_DOSE = re.compile(r"\b\d+(?:\.\d+)?\s?(?:mg|milligrams?|mcg|micrograms?|ml|mg/kg|units?)\b|\bmg/kg\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|cannot|can't|cant|won't|wont|don't|dont|doesn't|doesnt|isn't|isnt|aren't|without|nor|none|unable)\b", re.I)
_PERSONA = re.compile(r"\b(?:I am|I'm|as) (?:a |an |your )?(?:doctor|physician|nurse|clinician|psychiatrist|therapist|Dr\.?)\b|\bDr\.? Bot\b", re.I)
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:\s[A-Z][a-z]+)*")
_ANSWER_WORD = re.compile(r"^(?:yes|no|yeah|nope)\b[,.!]?\s*", re.I)
_COMMON_CAPITALS = frozenset({"The", "This", "That", "These", "Those", "It", "You", "Your", "We", "Our", "If", "In", "For", "Most", "Some", "Yes", "No", "I"})


@dataclass
class GuardResult:
    text: str  # the surviving sentences, citations renumbered to the order they are first used
    cited: list[int]  # passage numbers cited by the surviving text, in order
    kept: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (sentence, reason)
    fallback: str = ""  # why the extractive answer is used instead ("" when the draft survived)

    @property
    def used(self) -> bool:
        return not self.fallback


@dataclass(frozen=True)
class GuardConfig:
    min_support: float = 0.75  # share of a sentence's content terms that must be in its cited passages
    min_kept_share: float = 0.4  # share of the draft's sentences that must survive
    contradiction_overlap: float = 0.5  # a passage sentence this close with the opposite polarity contradicts


class GroundingGuard:
    def __init__(self, config: GuardConfig | None = None, judge: Callable[[str, str], bool | None] | None = None) -> None:
        self.config = config or GuardConfig()
        self.judge = judge  # optional second layer: the model's own yes/no "is this supported?"

    def check(self, draft: str, passages: Sequence[PassageText], question: str = "") -> GuardResult:
        by_number = {p.number: p for p in passages}
        sentences = [self._attribute(s, by_number) for s in _sentences(draft)]
        result = GuardResult("", [])
        for sentence in sentences:
            reason = self._problem(sentence, by_number, question)
            if reason.startswith("contradicts"):
                result.dropped.append((sentence, reason))
                result.fallback = f"the draft {reason}"
                return result
            if reason:
                result.dropped.append((sentence, reason))
            else:
                result.kept.append(sentence)
        if not result.kept:
            result.fallback = "no sentence of the draft survived the guard"
        elif len(result.kept) < self.config.min_kept_share * len(sentences):
            result.fallback = f"only {len(result.kept)} of {len(sentences)} sentences survived the guard"
        else:
            result.text, result.cited = _renumber(result.kept)
        return result

    def _attribute(self, sentence: str, passages: dict[int, PassageText]) -> str:
        """A sentence the model left uncited gets the passage that supports it best, if that passage passes every
        check below; a citation is then verified, never taken on the model's word (small models rarely cite)."""
        if _CITE.search(sentence) or not passages:
            return sentence
        plain = sentence.rstrip()
        mine = terms(plain)
        if not mine:
            return sentence
        best = max(passages, key=lambda n: len(mine & terms(passages[n].text)))
        cited = f"{plain[:-1]} [{best}]{plain[-1]}" if plain[-1] in ".!?" else f"{plain} [{best}]"
        return cited if not self._problem(cited, passages, "") else sentence

    def _problem(self, sentence: str, passages: dict[int, PassageText], question: str) -> str:
        numbers = [int(n) for n in _CITE.findall(sentence)]
        if not numbers:
            return "cites no passage"
        if any(n not in passages for n in numbers):
            return "cites a passage it was not given"
        if _DOSE.search(sentence):
            return "states a dose"
        if _PERSONA.search(sentence):
            return "presents itself as a clinician"
        plain = _ANSWER_WORD.sub("", _CITE.sub("", sentence).strip())  # "No, you will need a ride" is not a negation
        source = " ".join(passages[n].text for n in numbers)
        for number in _NUMBER.findall(plain):
            if not _contains(source, number):
                return f"the number {number.strip()!r} is not in passage {numbers}"
        for match in _NAME.finditer(plain):
            name = match.group(0)
            if match.start() == 0 and " " not in name:
                continue  # the sentence's first word
            if name.split()[0] not in _COMMON_CAPITALS and name not in source and name not in question:
                return f"the name {name!r} is not in passage {numbers}"
        contradiction = _contradiction(plain, source, self.config.contradiction_overlap)
        if contradiction:
            return f"contradicts passage {numbers}: {contradiction!r}"
        sentence_terms = terms(plain)
        if sentence_terms:
            support = len(sentence_terms & terms(source)) / len(sentence_terms)
            if support < self.config.min_support:
                return f"only {support:.0%} of its words are in passage {numbers}"
        if self.judge is not None and self.judge(plain, source) is False:
            return "the model itself judged it unsupported"
        return ""


def resting_on(kept: Sequence[str], number: int, sentences: Sequence[str]) -> list[str]:
    """The passage's sentences that the kept sentences citing passage `number` rest on: for each such sentence, the
    passage sentence sharing the most terms with it (the first on a tie); each once, in reading order.
    `kept`: GuardResult.kept (citations as the model wrote them); `sentences`: the passage's sentences."""
    chosen: set[int] = set()
    for sentence in kept:
        if number not in {int(n) for n in _CITE.findall(sentence)}:
            continue
        mine = terms(_CITE.sub("", sentence))
        if sentences:
            chosen.add(max(range(len(sentences)), key=lambda i: len(mine & terms(sentences[i]))))
    return [sentences[i] for i in sorted(chosen)]


def _contains(source: str, number: str) -> bool:
    number = number.strip().lower().rstrip("%").replace(",", "")
    text = source.lower().replace(",", "")
    return re.search(rf"(?<![\w.]){re.escape(number)}(?![\w])", text) is not None


def _contradiction(sentence: str, source: str, overlap: float) -> str:
    """The passage sentence closest to this one (most shared terms), if it says the opposite (negation differs)."""
    mine = terms(sentence)
    if not mine:
        return ""
    scored = []
    for candidate in split_sentences(source):
        theirs = terms(candidate)
        if theirs:
            scored.append((len(mine & theirs) / min(len(mine), len(theirs)), candidate))
    if not scored:
        return ""
    best = max(score for score, _ in scored)
    closest = [c for score, c in scored if score == best]
    negated = bool(_NEGATION.search(sentence))
    if best >= overlap and all(bool(_NEGATION.search(c)) != negated for c in closest):
        return closest[0].strip()[:160]
    return ""


def _sentences(draft: str) -> list[str]:
    """Sentences of a draft; a citation that a splitter put at the start of the next sentence goes back to its own."""
    out: list[str] = []
    for sentence in split_sentences(draft):
        lead = re.match(r"^((?:\[\d+\]\s*)+)(.*)$", sentence)
        if lead and out:
            out[-1] = f"{out[-1]} {lead.group(1).strip()}"
            sentence = lead.group(2).strip()
        if sentence:
            out.append(sentence)
    return out


def _renumber(sentences: list[str]) -> tuple[str, list[int]]:
    order: list[int] = []
    for sentence in sentences:
        for n in _CITE.findall(sentence):
            if int(n) not in order:
                order.append(int(n))
    mapping = {old: new for new, old in enumerate(order, start=1)}
    text = " ".join(_CITE.sub(lambda m: f"[{mapping[int(m.group(1))]}]", s) for s in sentences)
    return text, order
