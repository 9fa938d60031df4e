"""Patients' typos: a misspelt word the articles use reaches them ("infusoin" -> "infusion"); a name or a word the
articles lack stays as typed, so the check for things the articles never mention still sees it."""

from __future__ import annotations

import pytest

from chatbot.assistant import Assistant
from chatbot.spelling import Speller


@pytest.fixture(scope="module")
def speller(assistant: Assistant) -> Speller:
    return assistant.speller


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("how long is an infusoin appointment", "how long is an infusion appointment"),
        ("does it shrink the hipocampus", "does it shrink the hippocampus"),
        ("Ketamin for depresion?", "Ketamine for depression?"),
        ("what are the symtoms of ptsd", "what are the symptoms of ptsd"),
        ("who is the anesthesiologst", "who is the anesthesiologist"),
        ("treatment resistent depression", "treatment resistant depression"),
    ],
)
def test_a_misspelt_article_word_is_corrected(speller: Speller, typed: str, meant: str) -> None:
    assert speller.corrected(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "is esketamine the same thing",  # a prefix is not a typo: esketamine is another drug
        "do you take tricare or aetna",  # insurers the articles never name
        "is spravato covered",
        "i shouldnt drive after, right?",  # a contraction written without its apostrophe keeps its "not"
        "what about emdr or sgb",  # short words are acronyms, not typos
        "can i drink cofee before",  # an English word the articles lack is no typo of theirs
        "How do I prepare for my first session?",
    ],
)
def test_names_short_words_and_other_words_are_left_as_typed(speller: Speller, typed: str) -> None:
    assert speller.corrected(typed) == typed


def test_an_empty_corpus_corrects_nothing() -> None:
    assert Speller.from_texts([]).corrected("infusoin") == "infusoin"


def test_a_typo_is_answered_and_the_message_is_kept_as_typed(assistant: Assistant) -> None:
    answer = assistant.ask("how many infusoins are in the induction serie?")
    assert answer.route == "answered" and "six" in answer.body.lower()
    assert "infusion" in answer.trace.retrieval_query and answer.question == "how many infusoins are in the induction serie?"


def test_a_typo_in_a_service_question_is_not_taken_for_a_service_the_articles_lack(assistant: Assistant) -> None:
    answer = assistant.ask("do you offer ketamin infusoins for anxeity?")
    assert answer.route == "answered"
    assert "anxiety" in answer.body.lower()
