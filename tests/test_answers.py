"""Grounded answers: the right post and section, the clinic's own FAQ answer, abstention with the
clinic's contact details, follow-ups with context, input limits, and nothing not in a cited passage."""

from __future__ import annotations

import re

import pytest

from chatbot.answer_types import asked_kinds, named_as_asked, priced_as_asked, timed_as_asked
from chatbot.assistant import Assistant
from chatbot.retrieval import ClinicRetriever
from chatbot.safety import messages as m
from chatbot.types import Answer, InvalidInput, Message

PTSD = "https://softrebootwellness.com/ketamine-therapy-ptsd-menlo-park/"
PREPARE = "https://softrebootwellness.com/what-to-think-about-ketamine-therapy-ca/"


def sentences_of(body: str) -> list[str]:
    text = re.sub(r"\s*\[\d+\]", "", body)
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s]


def test_known_question_cites_the_right_post_and_section(assistant: Assistant) -> None:
    answer = assistant.ask("What is stellate ganglion block?")
    assert answer.route == "answered"
    assert answer.citations[0].url == PTSD
    assert "Stellate Ganglion Block" in answer.citations[0].section
    assert "stellate ganglion" in answer.body.lower()
    assert "[1]" in answer.body and f"[1] {answer.citations[0].title}" in answer.text


def test_faq_question_returns_the_clinics_own_answer(assistant: Assistant) -> None:
    faq = next(c for c in assistant.version.chunks if c.question and c.question.startswith("Will I remember my infusion"))
    answer = assistant.ask("Will I remember my infusion sessions afterwards?")
    assert answer.route == "answered"
    assert answer.citations[0].section == f"FAQ: {faq.question}"
    assert re.sub(r"\s*\[\d+\]", "", answer.body).startswith(faq.sentences[0])


@pytest.mark.parametrize(
    "question",
    [
        "Do you take Aetna insurance?",
        "Are you open on Sundays?",
        "Do you offer TMS therapy?",
        # "our Menlo Park clinic" places the clinic, it says nothing of parking
        "is there parking near the clinic?",
        "where can my driver park while i'm in the infusion",
        # where the clinic is, asked of "you" with no clinic word: the clinic's world, not out of scope
        "where are you guys",
        "what's your address",
        # a duration the articles give is about something else (the 48 to 72 hours after a session)
        "how long does the DSR procedure itself take?",
        # what the treatment would help with or cause is something the articles never name
        "could sgb help my tinnitus",
        "does ketamine cause hair loss",
    ],
)
def test_unanswerable_question_abstains_with_contact_details(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.route == "not_found"
    assert answer.body == m.NOT_FOUND and not answer.citations
    assert m.CLINIC_PHONE in answer.text and m.CLINIC_EMAIL in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "What's a good recipe for banana bread?",
        "Write me a Python script that sorts a list",
        "Who is the president of France?",
        # the clinic's town is not a clinic topic
        "Will it rain in Menlo Park tomorrow?",
        "any good sushi near your menlo park office?",
        "what's a nice hike near the clinic?",
    ],
)
def test_out_of_scope_question_gets_a_friendly_redirect(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.route == "out_of_scope"
    assert answer.body == m.OUT_OF_SCOPE and m.CLINIC_PHONE in answer.text


def test_follow_up_retrieves_with_the_conversation(assistant: Assistant) -> None:
    history = [{"role": "user", "content": "What is SGB?"}, {"role": "assistant", "content": "..."}]
    answer = assistant.ask("do I need a consultation before it?", history)
    assert answer.trace.condensed and "SGB" in answer.trace.retrieval_query
    assert answer.route == "answered" and answer.citations[0].url == PTSD
    assert "An initial consultation ($400) is required before any SGB treatment" in answer.body


def test_a_new_topic_does_not_drag_the_old_one_along(assistant: Assistant) -> None:
    history = [{"role": "user", "content": "What is SGB?"}]
    answer = assistant.ask("How should I set an intention before my first ketamine session?", history)
    assert not answer.trace.condensed
    assert answer.citations[0].url == PREPARE


def cited_groups(body: str) -> list[tuple[int, str]]:
    """(citation number, the text it follows) for each `text [n]` run of an answer body."""
    return [(int(n), text.strip()) for text, n in re.findall(r"(.*?)\s*\[(\d+)\]", body, re.S)]


def test_every_sentence_of_an_answer_is_verbatim_from_a_cited_passage(assistant: Assistant) -> None:
    """Checked against the indexed passages themselves, not against the citation's snippet (built from the same picks
    as the body): each sentence before a marker [n] is word for word in a passage of citation n's post and section."""
    for question in [
        "How long do the effects of ketamine last?",
        "Do I need someone to drive me home?",
        "What is neuroplasticity?",
        "How does ketamine help PTSD?",
    ]:
        answer = assistant.ask(question)
        assert answer.route == "answered", question
        groups = cited_groups(answer.body)
        assert groups and " ".join(f"{text} [{n}]" for n, text in groups) == answer.body, answer.body  # no uncited text
        for number, text in groups:
            citation = answer.citations[number - 1]
            passages = [c.text for c in assistant.version.chunks if c.url == citation.url and citation.section in (c.section, f"FAQ: {c.question}")]
            assert passages, (question, citation)
            for sentence in sentences_of(text):
                assert any(sentence in passage for passage in passages), (question, number, sentence)


def test_no_two_citations_from_the_same_passage(assistant: Assistant) -> None:
    for question in ["How many infusions will I need?", "What should I avoid after my infusion?", "Does ketamine work for anxiety?"]:
        answer = assistant.ask(question)
        keys = [(c.url, c.section) for c in answer.citations]
        assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("message", "reply", "why"),
    [
        ("", m.INVALID_EMPTY, InvalidInput.EMPTY),
        ("   \n\t ", m.INVALID_EMPTY, InvalidInput.EMPTY),
        ("x" * 2001, "longer than 2,000 characters", InvalidInput.TOO_LONG),
        ("\x00\x01binary\x02", m.INVALID_NOT_TEXT, InvalidInput.NOT_TEXT),
    ],
    ids=["empty", "whitespace", "too-long", "binary"],
)
def test_invalid_input_gets_a_clear_message(assistant: Assistant, message: str, reply: str, why: InvalidInput) -> None:
    answer = assistant.ask(message)
    assert answer.route == "invalid_input" and reply in answer.text and m.DISCLAIMER in answer.text
    assert answer.invalid is why  # the reason as data: a surface picks its status from it, never from the wording


def test_a_rate_limited_reply_says_so_as_data(assistant: Assistant) -> None:
    answer = assistant.rate_limited("What is SGB?")
    assert answer.route == "invalid_input" and answer.invalid is InvalidInput.RATE_LIMITED and m.RATE_LIMITED in answer.text
    assert assistant.ask("What is SGB?").invalid is None


def test_langchain_retriever_composes_with_langchain(assistant: Assistant) -> None:
    retriever = ClinicRetriever(retriever=assistant.retriever, embedder=assistant.embedder, k=3)
    docs = retriever.invoke("Do I need a ride home after an infusion?")
    assert len(docs) == 3 and all(d.metadata["url"].startswith("https://softrebootwellness.com/") for d in docs)
    assert {"dense", "lexical", "fused", "score", "section"} <= set(docs[0].metadata)


def envelope_ok(answer: Answer) -> bool:
    return (
        answer.disclaimer == m.DISCLAIMER
        and answer.text.endswith(m.DISCLAIMER)
        and m.AI_DISCLOSURE in answer.text
        and "988" in answer.text
        and m.CLINIC_PHONE in answer.text
    )


ONE_PER_ROUTE = {
    "answered": "How long do the effects of ketamine last?",
    "not_found": "Do you take Aetna insurance?",
    "out_of_scope": "What's a good recipe for banana bread?",
    "medical_advice": "How much ketamine should I take?",
    "emergency": "Someone collapsed in the waiting room and isn't breathing",
    "crisis": "I'm thinking about killing myself",
    "invalid_input": "",
}


@pytest.mark.parametrize("route", sorted(ONE_PER_ROUTE))
def test_every_reply_of_every_route_carries_the_disclaimer(assistant: Assistant, route: str) -> None:
    answer = assistant.ask(ONE_PER_ROUTE[route])
    assert answer.route == route
    assert envelope_ok(answer)
    assert answer.to_contract()["disclaimer"] in answer.to_contract()["answer"]


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # "where" about training asks for an institution, not for the clinic's location
        ("where was your integration coach trained?", "Being True to You"),
        # "how long has it been" is answered by a year
        ("how long has ketamine been approved by the FDA?", "since 1970"),
    ],
)
def test_the_kind_of_answer_asked_for_is_read_from_the_question(assistant: Assistant, question: str, fact: str) -> None:
    answer = assistant.ask(question)
    assert answer.route == "answered" and fact in answer.body


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("what are your hours on saturday?", True),
        ("do you have evening hours?", True),
        ("who do i call after hours if something feels off", True),
        ("what hours are you open", True),
        ("and in the hours right after the session?", False),  # a time around a session
        ("i work crazy hours at a startup, can you work around that", False),  # the patient's hours
        ("is it normal to feel foggy for a few hours after", False),
        ("is there a fee if I cancel within 24 hours?", False),
    ],
)
def test_opening_hours_are_the_clinics_hours_not_a_length_of_time(question: str, asks: bool) -> None:
    assert ("opening hours or days" in asked_kinds(question)) is asks


def test_getting_ready_for_a_visit_is_the_clinics_business_without_a_clinic_word(assistant: Assistant) -> None:
    wear = assistant.ask("what should I wear?")
    assert wear.route == "answered" and "comfortable clothing" in wear.body
    company = assistant.ask("can my sister come with me?")
    assert company.route != "out_of_scope" and m.CLINIC_PHONE in company.text


def test_a_second_window_that_fits_is_taken_when_a_longer_one_ranks_before_it(assistant: Assistant) -> None:
    # the topical passage on intrusive memories ranks first; the next distinct window (NMDA, 55 words) is too long to
    # add, and the answering one after it ("This is not the same as erasing trauma", 40 words) still fits
    answer = assistant.ask("does ketamine erase traumatic memories")
    assert answer.route == "answered" and "not the same as erasing trauma" in answer.body
    assert len(answer.body.split()) <= 110 + 4 * len(answer.citations)  # the cap, plus the citation marks


_SGB_CONSULT_PRICE = "An initial consultation ($400) is required before any SGB treatment to assess candidacy."


@pytest.mark.parametrize(
    ("question", "context", "answers"),
    [
        ("how much do you charge for the nerve block consult?", "", True),  # "block consult": the head is the consult
        ("how much does the first appointment for the neck injection cost", "", True),
        ("how much does it cost?", "what is SGB?", True),  # nothing named: read with the conversation
        ("What's the price of the actual SGB procedure, not counting the consult?", "", False),
        ("i know theres a consult fee for sgb but what does the actual block cost", "", False),
        ("How much is the initial consultation for ketamine (not the SGB one)?", "", False),
        ("how much does one booster cost", "what are booster sessions", False),
        ("how much does that cost?", "how many infusions do I need?", False),
        ("what would the whole KAP program set me back", "", False),
        # the item named before the clause that asks, in a follow-up to the consult's price
        ("and the actual sgb procedure after that, how much is it?", "how much is the sgb consult?", False),
        ("ok and the block itself - what does that run?", "what does the sgb consult cost", False),
        ("and the consult for sgb, how much is that?", "what is sgb?", True),
    ],
)
def test_a_price_answers_only_a_question_about_the_item_it_prices(question: str, context: str, answers: bool) -> None:
    assert priced_as_asked(question, _SGB_CONSULT_PRICE, context) is answers


def test_the_price_of_another_item_is_not_found(assistant: Assistant) -> None:
    other = assistant.ask("how much is the actual sgb procedure, not the consult")
    assert other.route == "not_found" and "$400" not in other.body and m.CLINIC_PHONE in other.text
    consult = assistant.ask("how much is the SGB consultation?")
    assert consult.route == "answered" and "$400" in consult.body


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        # the treatment by its full name or its abbreviation, the price by "charge" or "fee": the same question
        ("is there a charge for the first visit for stellate ganglion block?", True),
        ("is there a fee for the first visit for sgb?", True),  # "is there a fee" asks for a price, not for an offer
        ("what will i pay for one ketamine infusion", False),  # ways of asking a price the articles don't give
        ("how expensive are the infusions", False),
        ("can i afford the kap program on a teacher's salary", False),
    ],
)
def test_a_price_asked_in_other_words_is_answered_or_not_found_as_the_articles_allow(assistant: Assistant, question: str, answered: bool) -> None:
    answer = assistant.ask(question)
    assert answer.route == ("answered" if answered else "not_found")
    assert ("$400" in answer.body) is answered


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("whats ur email", "hello@softrebootwellness.com"),  # no clinic word, and the cross-encoder scores it low
        ("phone number?", "650-419-3330"),
        ("how do i contact you guys", "650-419-3330"),
    ],
)
def test_the_clinics_contact_details_are_answered_from_the_articles(assistant: Assistant, question: str, detail: str) -> None:
    answer = assistant.ask(question)
    assert answer.route == "answered" and detail in answer.body and answer.citations


def test_a_contact_the_articles_do_not_give_is_not_found(assistant: Assistant) -> None:
    for question in ("what's your fax number", "can i text you instead of calling"):
        assert assistant.ask(question).route == "not_found"


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("what % of your patients actually respond to the infusions", False),  # "some patients do not respond" is no share
        ("whats the success rate of ketamine for depression", False),
        ("what are my odds of getting better with sgb", False),
        ("what fraction of people get ptsd at some point", True),  # "roughly one in eleven people"
    ],
)
def test_a_share_of_people_is_answered_only_by_a_share(assistant: Assistant, question: str, answered: bool) -> None:
    answer = assistant.ask(question)
    assert answer.route == ("answered" if answered else "not_found")
    assert ("one in eleven" in answer.body) is answered


def test_a_follow_up_joined_to_its_earlier_question_is_not_given_the_earlier_answer(assistant: Assistant) -> None:
    # "what happens after the series is over?" cannot be rewritten alone; read joined to "how many infusions are in a
    # series?", the cross-encoder's best window was the series' length again. Scored also as typed, it is the boosters.
    first = "how many infusions are in a series"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": assistant.ask(first).text}]
    answer = assistant.ask("what happens after the series is over?", history)
    assert answer.trace.rerank_query.startswith(first)
    assert answer.route == "answered" and "booster" in answer.citations[0].snippet


_TWO_HOURS = "Our KAP program includes a preparation session, two 2-hour in-office infusion sessions, and integration coaching."
_AROUND_A_SESSION = "The 48 to 72 hours following a session are a particularly rich window for reflection and integration."
_WINDOW = "Integration coaching sessions are timed specifically around this 48-to-72-hour window."
_SERIES = "For most patients completing a standard induction series, the reduction in depressive symptoms lasts approximately five weeks."


@pytest.mark.parametrize(
    ("question", "sentence", "answers"),
    [
        ("how long are the KAP infusion sessions", _TWO_HOURS, True),
        ("how long are the KAP infusion sessions", _AROUND_A_SESSION, False),  # a time around a session, not its length
        ("how long are the infusion sessions in kap", _AROUND_A_SESSION, False),  # ... also with "in KAP" after it
        ("how long are the infusion sessions in kap", _TWO_HOURS, True),
        ("how long is an integration coaching session", _WINDOW, False),  # the length of a window, not of the session
        ("how long is an integration coaching session", _TWO_HOURS, False),  # the infusion sessions', not the coaching's
        ("how long is an infusion?", _TWO_HOURS, True),
        ("how long does the integration window last after a session?", _AROUND_A_SESSION, True),
        ("how long do the effects of ketamine last?", _SERIES, True),
        ("how long does the relief from sgb usually last", _SERIES, False),  # the ketamine series, not SGB
    ],
)
def test_a_duration_answers_only_a_question_about_what_it_times(question: str, sentence: str, answers: bool) -> None:
    assert timed_as_asked(question, sentence) is answers


def test_how_long_something_else_lasts_is_not_found(assistant: Assistant) -> None:
    assert assistant.ask("how long is an integration coaching session").route == "not_found"
    assert assistant.ask("how long does the relief from the neck shot last?").route == "not_found"
    series = assistant.ask("how long do the effects of ketamine last after the whole series?")
    assert series.route == "answered" and "five weeks" in series.body


def test_the_window_holding_what_is_asked_is_preferred_to_a_topical_one(assistant: Assistant) -> None:
    # the cross-encoder ranks passages on the sessions with no length first; the one with "2-hour" is read further down
    answer = assistant.ask("how long are the KAP infusion sessions")
    assert answer.route == "answered" and "2-hour" in answer.body


def test_a_singular_the_articles_only_use_in_the_plural_is_known(assistant: Assistant) -> None:
    # the articles write "SNRIs (serotonin-norepinephrine reuptake inhibitors)"; the stemmer keeps "snris" whole
    answer = assistant.ask("what's an SNRI")
    assert answer.route == "answered" and "serotonin-norepinephrine" in answer.body


_NATASHA = "Dr. Natasha, our board-certified anesthesiologist who trained at UCSF, brings additional clinical depth."
_HERMAN = "At Soft Reboot Wellness, Dr. Sara Herman, a Harvard-trained anesthesiologist, leads care."
_COACH = "Our certified psychedelic integration coach, trained by Being True to You, works with you."


@pytest.mark.parametrize(
    ("question", "sentence", "context", "answers"),
    [
        ("what's the doctor's name?", _HERMAN, "", True),
        ("whats dr hermans first name", _HERMAN, "", True),
        ("what's her full name", _HERMAN, "who runs the clinic", True),
        ("What's the name of your integration coach?", _COACH, "", False),  # trained by an organisation, not a name
        ("what's dr natasha's last name", _NATASHA, "", False),  # one name given
        ("whats her last name?", _HERMAN, "who is dr natasha", False),  # another clinician's full name
    ],
)
def test_a_name_answers_only_a_question_about_that_persons_name(question: str, sentence: str, context: str, answers: bool) -> None:
    assert named_as_asked(question, sentence, context) is answers


def test_a_name_the_articles_never_give_is_not_found(assistant: Assistant) -> None:
    coach = assistant.ask("what's your integration coach's name?")
    assert coach.route == "not_found" and m.CLINIC_PHONE in coach.text
    doctor = assistant.ask("what's the name of the doctor who does the infusions?")
    assert doctor.route == "answered" and "Herman" in doctor.body


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("does the neck injection hurt", ()),  # a lay term's gloss lengthens the question; "emotional numbing" is no pain
        ("does that hurt?", ({"role": "user", "content": "what is SGB?"},)),
        ("how long is the wait to get a first appointment?", ()),  # not the weeks antidepressants take ("waiting")
        # who may be with the patient: a passage on music or memory does not answer it
        ("can my mom stay in the room during my infusion", ()),
        ("is my boyfriend allowed to come in with me for the sgb", ()),
        ("can family members come to the consult?", ()),
        # an effect the articles never name
        ("will the infusions make me nauseous?", ()),
        ("does ketamine raise your blood pressure", ()),
        ("can you get addicted to ketamine after a whole series?", ()),
    ],
)
def test_what_the_articles_do_not_say_is_not_found(assistant: Assistant, question: str, history: tuple[Message, ...]) -> None:
    answer = assistant.ask(question, list(history))
    assert answer.route == "not_found" and m.CLINIC_PHONE in answer.text
