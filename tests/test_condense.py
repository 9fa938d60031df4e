"""Follow-ups: a change of subject stands alone, a relative time or a pronoun is resolved against the turn before
(the patient's question and the assistant's reply to it), and a pronoun that points at nothing is left alone."""

from __future__ import annotations

import re

import pytest

from chatbot.assistant import Assistant
from chatbot.condense import last_reply, needs_context, people_named, question_focus, standalone, topic_shift
from chatbot.types import Message


def turns(*texts: str) -> list[Message]:
    """Alternating user / assistant messages, user first."""
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(texts)]


@pytest.mark.parametrize(
    ("typed", "left"),
    [
        ("Different question - what should I wear to my appointment?", "what should I wear to my appointment?"),
        ("ok new question. will i remember my sessions afterward?", "will i remember my sessions afterward?"),
        ("unrelated, but do you have anything for PTSD besides ketamine?", "do you have anything for PTSD besides ketamine?"),
        ("switching topics, what is KAP", "what is KAP"),
        ("on another note: how long is an infusion?", "how long is an infusion?"),
        ("totally different thing, who is Dr. Herman?", "who is Dr. Herman?"),
        ("changing the subject - do you take insurance", "do you take insurance"),
    ],
)
def test_a_change_of_subject_is_answered_on_its_own(typed: str, left: str) -> None:
    assert topic_shift(typed) == (left, True)


@pytest.mark.parametrize(
    ("typed", "left"),
    [
        ("btw is it covered by insurance?", "is it covered by insurance?"),
        ("one more thing: how long does it last", "how long does it last"),
        ("oh also whats DSR?", "whats DSR?"),
    ],
)
def test_an_aside_is_dropped_and_the_rest_decides(typed: str, left: str) -> None:
    assert topic_shift(typed) == (left, False)


@pytest.mark.parametrize("typed", ["and what about depression?", "is it safe?", "what's a different way to prepare?", "new patients: how do I start?"])
def test_a_question_without_a_change_of_subject_is_kept_whole(typed: str) -> None:
    assert topic_shift(typed) == (typed, False)


@pytest.mark.parametrize(
    ("question", "leans"),
    [
        ("what should i do afterwards?", True),
        ("can i go back to work the next day?", True),
        ("is there a treatment that targets that?", True),
        ("how do you use it during the infusion itself?", True),
        ("is it normal to feel nervous before an infusion?", False),
        ("is it ok to eat before a ketamine infusion?", False),
        ("How should I set an intention before my session?", False),
        ("Does ketamine help PTSD?", False),
        ("would ketamine work differently for someone like me?", True),
        ("what should i expect at my first session", False),
    ],
)
def test_what_leans_on_the_turn_before(question: str, leans: bool) -> None:
    assert needs_context(question) is leans


def test_the_clinicians_are_read_from_the_articles() -> None:
    people = people_named(["Dr. Sara Herman monitors every infusion.", "Ask Dr. Herman.", "Trained with Dr. Natasha at UCSF."])
    assert people == ("Dr. Sara Herman", "Dr. Natasha", "Dr. Herman")


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        # the person is named only in the assistant's reply
        (
            turns("who monitors the infusions?", "Dr. Sara Herman personally monitors all infusion sessions. [1]\n\nSources:\n[1] ..."),
            "whats her background",
            "whats Dr. Sara Herman's background",
        ),
        # ... but not when the patient spoke of their own person: "her" is the therapist
        (
            turns("Can I keep seeing my own therapist during the series?", "Yes; Dr. Sara Herman coordinates with outside therapists. [1]"),
            "will you talk with her directly?",
            "Can I keep seeing my own therapist during the series? will you talk with her directly?",
        ),
        (turns("What is BDNF?"), "and what does ketamine do to it?", "and what does ketamine do to BDNF?"),
        (turns("What happens during an IV ketamine infusion?"), "what should i do afterwards?", "what should i do after the IV ketamine?"),
        (
            turns("Do I need a ride home after a ketamine infusion?"),
            "can I go back to work the next day?",
            "can I go back to work the day after the ketamine infusion?",
        ),
        (turns("What is IFS?"), "how do you use it during the infusion itself?", "how do you use IFS during the infusion itself?"),
        # "it" in a question that names another topic than the conversation's
        (turns("what is SGB"), "can it be combined with ketamine", "can SGB be combined with ketamine"),
        # an ellipsis that is only a time
        (turns("What should I avoid after an infusion?"), "so before it?", "What should I avoid before an infusion?"),
        (turns("how many infusions in the initial series"), "and after the series is done?", "what happens after the series is done?"),
        # "first" at the end: before the thing discussed
        (turns("can ketamine and SGB be combined"), "do i need a consult first?", "do i need a consult before the ketamine?"),
        # a pleonastic "it" stays: the question stands alone
        (turns("what is SGB"), "Is it safe to drive after ketamine?", "Is it safe to drive after ketamine?"),
    ],
)
def test_a_follow_up_is_resolved_against_the_turn_and_the_reply_before(history: list[Message], question: str, expected: str) -> None:
    assert standalone(question, history, ("Dr. Sara Herman", "Dr. Herman")) == expected


def test_the_reply_is_read_without_its_sources_and_envelope(assistant: Assistant) -> None:
    reply = assistant.ask("Who monitors the infusion sessions?")
    text = last_reply([{"role": "user", "content": "Who monitors the infusion sessions?"}, {"role": "assistant", "content": reply.text}])
    assert "Herman" in text and "Sources" not in text and "988" not in text and "[1]" not in text


@pytest.mark.parametrize(
    ("history", "question", "fact"),
    [
        (["Who monitors the infusion sessions?"], "what's her background?", r"anesthesiolog|Harvard|10,000|psilocybin"),
        (["What does a ketamine infusion feel like?"], "Different question - what should I wear to my appointment?", r"comfortable clothing"),
        (["Do you take Aetna?"], "unrelated, but what is the Dual Sympathetic Reset?", r"bilateral|two-level|both sides"),
        # "both" / "the two": the two treatments of the turns before, the first named two turns back
        (["do you do sgb for ptsd?", "im also interested in the ketamine infusions"], "can i do both on the same day?", r"separate days"),
        (["tell me about the nerve block", "and the ketamine infusions, how do they work?"], "is it safe to combine the two?", r"separate days"),
    ],
)
def test_follow_ups_in_a_real_conversation(assistant: Assistant, history: list[str], question: str, fact: str) -> None:
    """The conversation as the chat sends it: each earlier question with the assistant's own reply (envelope included)."""
    conversation: list[Message] = []
    for text in history:
        conversation += [{"role": "user", "content": text}, {"role": "assistant", "content": assistant.ask(text, conversation).text}]
    answer = assistant.ask(question, conversation)
    assert answer.route == "answered", answer.trace.abstain_reason
    assert re.search(fact, answer.body, re.I), answer.body


@pytest.mark.parametrize(
    ("message", "focus"),
    [
        # lower case after the full stop: a sentence all the same
        (
            "so i've been on zoloft, lexapro and wellbutrin over the past six years and honestly none of them did much. how is this different?",
            "how is this different?",
        ),
        (
            "My partner and I are trying to figure out logistics before I commit to anything. How many infusions are in the first round?",
            "How many infusions are in the first round?",
        ),
        # a title is not the end of a sentence
        ("Where did Dr. Herman train? My cousin saw someone in the city who had no real training at all and it went badly.", "Where did Dr. Herman train?"),
        (
            "I have a long commute and a toddler at home, so my weeks are packed and hard to plan. what happens on the day? and after?",
            "what happens on the day? and after?",
        ),
    ],
)
def test_the_sentences_that_ask_are_found_in_a_long_message(message: str, focus: str) -> None:
    assert question_focus(message) == focus


@pytest.mark.parametrize(
    "message",
    [
        "How many infusions will I need?",  # one sentence
        "is it covered? i have aetna",  # little context: read whole
        "is ketamine addictive? kinda worried bc of the party drug thing",
        "I was in the army for twelve years and I have PTSD. I want to know more about the nerve block.",  # nothing asks
        "What is SGB? How long does it last? Does it hurt?",  # every sentence asks
    ],
)
def test_a_message_without_context_around_its_question_is_read_whole(message: str) -> None:
    assert question_focus(message) == ""


def test_a_long_message_is_answered_by_what_it_asks(assistant: Assistant) -> None:
    """Context about the patient before the question: the cross-encoder reads the whole message and the asking
    sentence, and the answer is the one the question asks for (it was refused: every window below the floor)."""
    message = (
        "I'm a nurse and I work twelve hour night shifts three times a week, so my schedule is all over the place. "
        "Will I need to take time off work for the infusions?"
    )
    answer = assistant.ask(message)
    assert answer.route == "answered", answer.trace.abstain_reason
    assert re.search(r"time off work|treatment day", answer.body, re.I), answer.body


@pytest.mark.parametrize(
    ("turns", "question", "expected"),
    [
        (
            ["do you do sgb for ptsd?", "im also interested in the ketamine infusions"],
            "can i do both on the same day?",
            "can i do sgb and ketamine infusions on the same day?",
        ),
        (["what is KAP?", "how is SGB different?"], "which of the two is faster?", "which of KAP and SGB is faster?"),
        (["can ketamine help depression?", "what about anxiety?"], "how fast does it work for both?", "how fast does it work for depression and anxiety?"),
    ],
)
def test_both_is_the_two_things_the_turns_before_named(turns: list[str], question: str, expected: str) -> None:
    assert standalone(question, [{"role": "user", "content": t} for t in turns]) == expected


def test_both_with_one_thing_named_stays_as_typed() -> None:
    assert standalone("can i do both?", [{"role": "user", "content": "what is sgb?"}]) == "what is sgb? can i do both?"
