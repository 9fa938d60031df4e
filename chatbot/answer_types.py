"""What kind of thing a question asks for (a price, opening hours, a duration, a count, a place),
and whether a sentence holds that kind of thing. Used to pick sentences and to decide abstention."""

from __future__ import annotations

import re
from collections.abc import Set

from index.lexical import terms

_PRICE_Q = re.compile(
    r"\b(how much|price|prices|pricing|priced|cost of|costs?|fee|fees|charge|charges|out of pocket|financ\w*|payment plans?|sets? (me|you|us) back|"
    r"expensive|pricey|pricy|afford(?! to)|affordable|(your|ur) rates?|what (will|would|do|does|did) (i|we) (have to |need to )?pay)\b"
    r"|\bwhat (does|do|would|will) .{1,60}\bruns? (me|you|us)\b(?!\s+(through|over|down|by))",  # "what does a single drip run me"
    re.I,
)
_MONEY = re.compile(r"\$\s?\d|\b\d[\d,]*\s?(dollars|usd)\b", re.I)
# The clinic's hours, not hours as a length of time ("a few hours after", "the hours right after the session",
# "i work crazy hours", "within 24 hours"): "hours" only as the clinic's ("your / office / evening hours", "the hours",
# "what hours", "after-hours")
_HOURS_Q = re.compile(
    r"\b((your|office|business|opening|closing|clinic'?s?|operating|working|ur|evening|morning|night|weekend|summer|winter|holiday|"
    r"extended|late|early) hours|after[- ]hours|(what|which) hours\b(?!\s+(after|before|following|later))|"
    r"the hours\b(?!\s+(after|before|following|right|of|between|it|that|when))|hours (of operation|are you open|r u open|do you (keep|have|work))|"
    r"opening|closing|open on|open (on )?(weekends?|saturdays?|sundays?|evenings?|holidays?)|what time|weekends?|saturdays?|sundays?|holidays?)\b",
    re.I,
)
_CLOCK = re.compile(r"\b\d{1,2}(:\d\d)?\s?(am|pm|a\.m\.|p\.m\.)|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b", re.I)
_DURATION_Q = re.compile(r"\bhow long\b|\bhow soon\b|\bhow quickly\b|\bhow many (minutes|hours|days|weeks|months)\b", re.I)
_DURATION = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|few|a)\s*(-|to|or)?\s*\w*\s*(minutes?|hours?|days?|weeks?|months?|years?)\b|"
    r"\b(hours|days|weeks|months) (to|or) (days|weeks|months)\b|\b(immediately|same day|following day|within)\b|"
    r"\bsince (19|20)\d\d\b|\bdecades?\b",  # "how long has it been FDA-approved?": since 1970
    re.I,
)
_COUNT_Q = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
_COUNT = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|single|several|series)\b", re.I)
_TRAINING = r"(train|trained|training|study|studied|school|certified|certification|degree|residency)"
_PLACE_Q = re.compile(rf"\b(where|address|located|location|directions)\b(?!.{{0,30}}\b(park|parking)\b)(?!.{{0,60}}\b{_TRAINING}\b)", re.I)
_PLACE = re.compile(r"\b(menlo park|street|st\.|avenue|ave\.|road|suite|parking)\b", re.I)
# "Where did Dr. Herman train?", "where did your coach get certified?": an institution, not the clinic's location
_TRAINED_Q = re.compile(rf"\bwhere\b.{{0,60}}\b{_TRAINING}\b", re.I)
_TRAINED = re.compile(
    r"\w+-trained\b|\btrained (at|by|in)\b|\b(university|institute|college|school of medicine|residency|fellowship|harvard|stanford|ucsf)\b", re.I
)
# "is there parking near the clinic?": "our Menlo Park clinic" places the clinic but says nothing of parking
_PARKING_Q = re.compile(r"\b(parking|park my car|garage|where (do|can|should|would) (i|we|my \w+) park)\b", re.I)
_PARKING = re.compile(r"\b(parking|garage|parking lot|valet|car park)\b", re.I)

_ADDRESS_Q = re.compile(r"\b((?<!email )(?<!e-mail )(?<!web )address|street|directions|what floor|which building)\b", re.I)
_ADDRESS = re.compile(r"\b\d+\s+[A-Z]?\w+\s+(street|st\.?|avenue|ave\.?|road|rd\.?|blvd|boulevard|drive|way|lane|suite|floor)\b", re.I)
_SIDE_EFFECTS_Q = re.compile(r"\bside[- ]?effects?\b|\badverse (effects?|reactions?)\b", re.I)
_SIDE_EFFECTS = re.compile(r"\bside[- ]?effects?\b|\badverse\b|\bnause\w*|\bdizz\w*|\bhoarse\w*|\bheadaches?\b", re.I)
# ".{0,60}": room for a lay term's gloss ("does the neck injection (the stellate ganglion block injection) hurt")
_PAIN_Q = re.compile(
    r"\b(does|do|will|would|is|are) (it|that|this|the \w+|sgb|an? \w+|they|infusions?|the injection|iv)\b.{0,60}\b(hurt|hurts|painful|sore)\b", re.I
)
# physical pain or its relief, not "emotional numbing" (a PTSD symptom) or a doctor's career in "pain management"
_PAIN = re.compile(r"\b(hurt|hurts|painful|discomfort|sore|sting\w*|pinch|(?<!emotional )numb\w*|(?<!chronic )pain(?! management))\b", re.I)
_AGE_Q = re.compile(
    r"\b(minimum age|age limit|how old|years old|teen|teens|teenager|teenagers|adolescents?|minors?|children|kids|"
    r"my (son|daughter)|under 18|over 65|elderly|seniors?)\b",
    re.I,
)
_AGE = re.compile(r"\b(\d+ (years old|and (older|over|up))|\d+\+|adults?|ages? \d+|adolescents?|teens?|teenagers?|children|minors?|elderly|seniors?)\b", re.I)

# "can my wife sit in the room with me during the infusion?", "can family members come to the consult?": a person of
# the patient's own with them (not the clinic's staff: "will someone be with me the whole time?" is about monitoring)
_OWN_PEOPLE = (
    r"(?:partner|husband|wife|spouse|mom|mother|dad|father|friend|sister|brother|boyfriend|girlfriend|daughter|son|fianc[eé]e?|"
    r"parent|support person|family member|loved one|caregiver)s?"
)
_WITH_YOU = r"(?:sit|stay|come|wait|join|accompany|hang out|be (?:there|present|in the room|in there|with me|allowed))"
_COMPANION_Q = re.compile(
    rf"\b(?:can|could|may|will|would|is|are|does|do)\b[^.?!]{{0,15}}\b(?:my|a|our)\s+(?:\w+\s+)?{_OWN_PEOPLE}\b[^.?!]{{0,40}}"
    rf"\b{_WITH_YOU}\b"
    rf"|\b(?:my|our)\s+(?:\w+\s+)?{_OWN_PEOPLE}\b.{{0,60}}\b(?:can|could|may) (?:she|he|they) {_WITH_YOU}\b"
    rf"|\b(?:family(?: members)?|friends|loved ones|visitors?|guests?|companions?)\b.{{0,30}}\b{_WITH_YOU}\b"
    rf"|\b(?:bring|have)\s+(?:my|a)\s+(?:\w+\s+)?{_OWN_PEOPLE}\b.{{0,20}}\b(?:with|along|in|to)\b",
    re.I,
)
_COMPANION = re.compile(
    r"\b(?:partners?|spouses?|husbands?|wives|wife|(?<!internal )famil(?:y|ies)(?! systems)|friends?|loved ones?|support persons?|companions?|"
    r"visitors?|guests?|accompan\w+|waiting room|lobby)\b",
    re.I,
)

# "what's the name of your integration coach?", "what's her last name?": a person's name, not what they do
_ROLE = r"(?:doctors?|docs?|coach(?:es)?|nurses?|anesthesiologists?|therapists?|psychiatrists?|clinicians?|providers?|founders?|physicians?|staff)"
_NAME_Q = re.compile(
    rf"\b(?:her|his|their|(?:the |your |ur |that |this )?(?:\w+ )?{_ROLE}'?s?|dr\.? \w+'?s)\s+(?P<full>full |last |first |sur)?names?\b"
    rf"|\b(?P<full2>full |last |sur)?names? of (?:the |your |ur |that |this )?(?:\w+ )?{_ROLE}\b"
    rf"|\bwho(?:'s| is) (?:your|the) (?:\w+ )?{_ROLE}\b(?=\s*(?:called|named))",
    re.I,
)
# a personal name as the articles write one: a title and a capitalized name, or a role followed by one ("our coach,
# Jamie Lee,"); case-sensitive: names are capitalized
_PERSON = re.compile(r"\b(?:Dr|Mr|Ms|Mrs|Mx)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|\b(?i:" + _ROLE + r"),?\s+(?:is\s+|named\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?")
_FULL_NAME = re.compile(r"\b(?:Dr|Mr|Ms|Mrs|Mx)\.?\s+[A-Z][a-z]+\s+[A-Z][a-z]+|\b(?i:" + _ROLE + r"),?\s+(?:is\s+|named\s+)?[A-Z][a-z]+\s+[A-Z][a-z]+")

# "whats your email", "what's the clinic phone #", "can I email you instead of calling?": the clinic's email address or
# phone number ("your fax number" is neither)
_CONTACT_Q = re.compile(
    r"\b(?:your|ur|the clinic'?s?|clinic|office) (?:e-?mail|email address|phone|phone number|number|#)"
    r"|\b(?:how|where|can|could) (?:do |can |could |should )?i (?:e-?mail|call|phone|reach|contact|get (?:a )?hold of) "
    r"(?:you|u|y'?all|the clinic|the office|someone)\b"
    r"|\b(?:number|e-?mail|email address) (?:i can|to) (?:call|reach|contact|e-?mail|write)|\bcontact (?:info|information|details)\b"
    r"|^\W*phone (?:number|#)|\bthe e-?mail (?:address )?(?:for|to (?:reach|contact|write))\b",
    re.I,
)
_CONTACT = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\(?\b\d{3}\)?[-.\s]\d{3}[-.\s]\d{4}\b")

# "what % of your patients respond", "what's the success rate", "what are the odds": a share of people, as a percentage,
# a ratio ("one in eleven") or a part of a group ("most patients"); not "the vast majority of signaling"
_SHARE_Q = re.compile(
    r"\bwhat (?:%|percent|percentage|proportion|fraction|share)|(?:%|percent|percentage) of\b|"
    r"\b(?:success|response|remission|relapse|cure|failure) rates?\b|\bwhat(?:'s| is| are|re) (?:the|my) (?:odds|chances?)\b|\bodds (?:of|that|are)\b",
    re.I,
)
_SHARE = re.compile(
    r"\d+(?:\.\d+)?\s?(?:%|percent)|\b(?:one|two|three|four|five|\d+) (?:in|out of) (?:every )?(?:\w+)\b|"
    r"\b(?:majority|minority|half|a third|two-thirds|one-third) (?:of )?(?:patients|people|those|adults|veterans|americans)\b",
    re.I,
)

CONTACT_DETAILS = "the clinic's contact details"  # a kind named outside this table (abstain.py)

# kind -> (does the question ask for it?, does a sentence hold it?)
KINDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "a price": (_PRICE_Q, _MONEY),
    "opening hours or days": (_HOURS_Q, _CLOCK),
    "a duration": (_DURATION_Q, _DURATION),
    "a number": (_COUNT_Q, _COUNT),
    "a place": (_PLACE_Q, _PLACE),
    "parking": (_PARKING_Q, _PARKING),
    "where someone trained": (_TRAINED_Q, _TRAINED),
    "a street address": (_ADDRESS_Q, _ADDRESS),
    "side effects": (_SIDE_EFFECTS_Q, _SIDE_EFFECTS),
    "what it feels like physically": (_PAIN_Q, _PAIN),
    "an age": (_AGE_Q, _AGE),
    "a companion of the patient's": (_COMPANION_Q, _COMPANION),
    "a person's name": (_NAME_Q, _PERSON),
    CONTACT_DETAILS: (_CONTACT_Q, _CONTACT),
    "a share of people": (_SHARE_Q, _SHARE),
}
# A sentence that holds one of these answers the question whatever the cross-encoder's score: an MS MARCO model reads
# "Call us at 650-419-3330 or email hello@..." as a poor passage for "whats your email" (logit -7.6, blind sets 6, 7)
SELF_EVIDENT_KINDS = frozenset([CONTACT_DETAILS])


def asked_kinds(question: str) -> list[str]:
    return [kind for kind, (asks, _) in KINDS.items() if asks.search(question)]


def holds_kind(kind: str, sentence: str, focus: Set[str] = frozenset()) -> bool:
    """Does the sentence hold `kind`? A price or a duration must also be about what the question asks about (`focus`):
    "how long does the SGB procedure take?" is not answered by "the 48 to 72 hours following a session"."""
    if not KINDS[kind][1].search(sentence):
        return False
    if kind in ("a price", "a duration") and focus:
        held = terms(sentence)
        return bool(held & focus) or any(held & names and focus & names for names in _TREATMENT_TERMS)
    return True


# The names of one treatment, as stemmed terms: "the stellate ganglion block" and "SGB" are the same subject
_TREATMENT_TERMS = (
    terms("SGB stellate ganglion DSR"),
    terms("ketamine esketamine infusion infusions IV drip drips KAP"),
)


# --- a price must be the price of what is asked ------------------------------------------------------------------
# A clinic often publishes one price ("An initial consultation ($400) is required before any SGB treatment"); a
# question about another item ("the actual SGB procedure, not the consult", "one booster", "the consultation for
# ketamine") is not answered by it. Billable items, each a group of the words patients use for it:
_ITEMS: dict[str, str] = {
    "consultation": r"consult\w*|intake|evaluations?|assessments?|(?:first|initial|1st|new[- ]patient) (?:appointment|visit|session|meeting)",
    "procedure": r"procedures?|injections?|shots?|blocks?",
    "infusion": r"infusions?|drips?|sessions?|treatments? each|each treatment",
    "booster": r"boosters?|maintenance",
    "program": r"programs?|packages?|series|course|whole (?:thing|treatment)|all (?:in|together)",
    "coaching": r"coaching|coach(?:es)?",
}
_ITEM = re.compile("|".join(f"(?P<{name}>\\b(?:{words})\\b)" for name, words in _ITEMS.items()), re.I)
_TREATMENTS: dict[str, re.Pattern[str]] = {
    "ketamine": re.compile(r"\b(ketamine|iv|infusions?|drips?|kap|esketamine|induction)\b", re.I),
    "sgb": re.compile(r"\b(sgb|stellate|ganglion|nerve block|neck (?:shot|injection)|dsr|dual sympathetic)\b", re.I),
}
# "not the consult", "not counting the consult", "besides the consult", "(not the SGB one)": what is not asked about
_EXCLUDED = re.compile(
    r"\b(?:not|besides|other than|apart from|aside from|except(?: for)?|excluding|without)\s+(?:counting\s+|including\s+)?(?:the\s+|a\s+|an\s+)?"
    r"[\w-]+(?:\s+(?:one|part|fee|consult\w*|cost))?",
    re.I,
)
_CLAUSE = re.compile(r"\s*(?:[;,]|\bbut\b|\bso\b)\s*", re.I)


def _asked_item(text: str) -> str:
    """The billable item `text` asks the price of: in its last clause that asks for a price, the first item, taken as
    the head of a compound ("nerve block consult" -> consultation); when that clause names none ("how much is it?"),
    the nearest clause before it that does ("and the actual sgb procedure after that, how much is it?" -> procedure);
    what the text excludes is left out; ""."""
    clauses = [c for c in _CLAUSE.split(_EXCLUDED.sub(" ", text)) if c.strip()]
    asking = [i for i, c in enumerate(clauses) if _PRICE_Q.search(c)] or list(range(len(clauses)))
    last = asking[-1] if asking else -1
    for clause in reversed(clauses[: last + 1]):
        items = list(_ITEM.finditer(clause))
        if items:
            break
    else:
        return ""
    head = items[0]
    for following in items[1:]:  # "block consult": adjacent item words are one compound, whose head is the last
        if clause[head.end() : following.start()].strip():
            break
        head = following
    return head.lastgroup or ""


def _priced_item(sentence: str, money: re.Match[str]) -> str:
    """The billable item nearest the amount `money` in `sentence` ("An initial consultation ($400)" -> consultation); ""."""
    found = [(min(abs(m.start() - money.start()), abs(m.end() - money.end())), m.lastgroup or "") for m in _ITEM.finditer(sentence)]
    return min(found)[1] if found else ""


def _treatments(text: str) -> set[str]:
    return {name for name, pattern in _TREATMENTS.items() if pattern.search(text)}


def _same_treatment(question: str, sentence: str, context: str) -> bool:
    """False when the question (or, naming none, its conversation) asks about one treatment and the sentence names
    only the other ("how long does the relief from SGB last?" is not answered by the ketamine induction series)."""
    asked = _EXCLUDED.sub(" ", question)
    wanted = _treatments(asked) or (_treatments(context) if context else set())
    named = _treatments(sentence)
    return not (wanted and named and not wanted & named)


def priced_as_asked(question: str, sentence: str, context: str = "") -> bool:
    """Is the price in `sentence` the price of what `question` asks about? The same billable item (consultation,
    procedure, infusion, booster, program, coaching) and the same treatment (ketamine or SGB), where the question
    names them; what the question excludes ("not the consult") does not count. A follow-up that names neither
    ("how much does that cost?") is read with its `context` (the earlier turns). True when nothing can be compared."""
    money = _MONEY.search(sentence)
    if money is None:
        return False
    asked = _EXCLUDED.sub(" ", question)
    item = _asked_item(question) or (_asked_item(context) if context and not _treatments(asked) else "")
    priced = _priced_item(sentence, money)
    if item and priced and item != priced:
        return False
    return _same_treatment(question, sentence, context)


# --- a duration must be the duration of what is asked --------------------------------------------------------------
_EVENT = r"(?:infusions?|sessions?|appointments?|appts?|consult(?:ation)?s?|procedures?|blocks?|injections?|visits?|coaching)"
# "how long is an infusion?", "how long does the SGB procedure take?": the length of an event, not a time around it
_LENGTH_Q = re.compile(
    rf"\bhow long (?:is|are|does|do|will|would)\b(?:\s+\w+){{0,4}}?\s+{_EVENT}\b(?:\s+(?:itself|themselves|take|last|run|go|be))*"
    # ... and where or of what: "how long are the infusion sessions in it / in KAP / at your clinic"
    r"(?:\s+(?:in|for|at|with|of|on|during|under)(?:\s+[\w'-]+){1,4})?\s*(?:[?.!]|$)",
    re.I,
)
_RELATIVE_Q = re.compile(r"\b(after|before|until|till|once|following|wear|wears|kick|feel|felt|results?|relief|effects?|benefits?|improvement|wait)\b", re.I)
# a duration that places something around an event ("the 48 to 72 hours following a session", "within an hour of the
# infusion ending", "24 hours prior") or measures another thing ("this 48-to-72-hour window")
_AROUND = re.compile(r"^\s*(?:following|after|before|prior|beforehand|later|of|into|out)\b", re.I)
_HYPHENATED = re.compile(r"\b[\w-]+-(?:minute|hour|day|week|month)\s+(?P<noun>(?:[\w-]+\s+){0,2}[\w-]+)", re.I)


def timed_as_asked(question: str, sentence: str, context: str = "") -> bool:
    """Is the duration in `sentence` a duration of what `question` asks about? The same treatment (as for a price);
    and when the question asks how long an event lasts ("how long is an infusion?"), a duration of that event:
    "two 2-hour infusion sessions" answers it, "the 48 to 72 hours following a session" and "this 48-to-72-hour
    window" do not. True when the question asks for another duration (how soon, how long after...)."""
    if not _same_treatment(question, sentence, context):
        return False
    length = _LENGTH_Q.search(question)
    if not length or _RELATIVE_Q.search(question):
        return True
    # every event word the question names must be the timed one's: "integration coaching session" is not timed by
    # "two 2-hour infusion sessions"
    asked = {_singular(w) for w in re.findall(rf"\b{_EVENT}\b", length.group(0), re.I)}

    def names_the_event(text: str) -> bool:
        return asked <= {_singular(w) for w in re.findall(rf"\b{_EVENT}\b", text, re.I)}

    if any(names_the_event(hyphenated.group("noun")) for hyphenated in _HYPHENATED.finditer(sentence)):
        return True
    for duration in _DURATION.finditer(sentence):
        measured = re.search(r"(minute|hour|day|week|month|year)s?$", duration.group(0), re.I)  # not "within", "since 1970"
        if not measured or "-" in duration.group(0) or re.search(r"\bwithin\s*$", sentence[: duration.start()], re.I):
            continue
        if not _AROUND.match(sentence[duration.end() :]) and not re.match(r"-\w", sentence[duration.end() :]) and names_the_event(sentence):
            return True
    return False


def _singular(word: str) -> str:
    word = word.lower()
    return {"appts": "appointment", "appt": "appointment", "consult": "consultation", "consults": "consultation"}.get(word, word.removesuffix("s"))


def answers_kind(kind: str, question: str, sentence: str, focus: Set[str] = frozenset(), context: str = "") -> bool:
    """Does `sentence` hold the `kind` of thing `question` asks for, and of what it asks about? `holds_kind` and
    `of_what_is_asked` (`context`: the conversation's earlier turns)."""
    return holds_kind(kind, sentence, focus) and of_what_is_asked(kind, question, sentence, context)


def of_what_is_asked(kind: str, question: str, sentence: str, context: str = "") -> bool:
    """For a sentence that holds `kind`: is it a price, a duration or a name of what `question` asks about
    (`priced_as_asked`, `timed_as_asked`, `named_as_asked`)? True for the other kinds."""
    if kind == "a price":
        return priced_as_asked(question, sentence, context)
    if kind == "a duration":
        return timed_as_asked(question, sentence, context)
    if kind == "a person's name":
        return named_as_asked(question, sentence, context)
    return True


def named_as_asked(question: str, sentence: str, context: str = "") -> bool:
    """Does `sentence` give the name `question` asks for? A last or full name needs two words ("Dr. Sara Herman", not
    "Dr. Natasha"); and when the question or its conversation (`context`) names the clinician ("dr natasha"), the
    name must be theirs ("her last name" after "who is Dr. Natasha" is not answered by "Dr. Sara Herman")."""
    asked = _NAME_Q.search(question)
    part = ((asked.group("full") or asked.group("full2") or "") if asked else "").strip().lower()
    names = [m.group(0) for m in (_FULL_NAME if part in ("last", "full", "sur") else _PERSON).finditer(sentence)]
    people = {_bare(name) for name in re.findall(r"\bdr\.?\s+([\w']+)", f"{question} {context}", re.I)}  # "dr hermans"
    if people:
        names = [n for n in names if people & {_bare(w) for w in re.findall(r"\w+", n)}]
    return bool(names)


def _bare(name: str) -> str:
    return name.lower().removesuffix("'s").removesuffix("s")
