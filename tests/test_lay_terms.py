"""Patients' words: "the drip", "while I'm under", "the neck shot" reach the passages the articles wrote in clinical words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chatbot.assistant import Assistant
from chatbot.lay_terms import LayTerms, LayTermsError


@pytest.fixture(scope="module")
def lay() -> LayTerms:
    return LayTerms.load()


@pytest.mark.parametrize(
    ("typed", "clinical"),
    [
        ("what if it gets dark while im under", "during the infusion"),
        ("how long is the drip", "the infusion"),
        ("do you guys do the neck shot thing", "stellate ganglion block"),
        ("can i do crossfit the day after", "intense exercise"),
        ("will i need top-up sessions later", "booster sessions"),
        ("my shrink wants to know what you do", "psychiatrist"),
        ("can ketamine help with flashbacks", "intrusive memories"),
    ],
)
def test_a_lay_phrase_is_glossed_with_the_articles_words(lay: LayTerms, typed: str, clinical: str) -> None:
    glossed = lay.clinical(typed)
    assert glossed.startswith(typed.split()[0]) and clinical in glossed
    assert clinical in lay.replaced(typed)


@pytest.mark.parametrize("typed", ["Do you do IV ketamine for depression?", "How do I prepare for my first session?", "can i drink water before"])
def test_clinical_words_are_left_alone(lay: LayTerms, typed: str) -> None:
    assert lay.clinical(typed) == typed


def test_glossing_twice_changes_nothing(lay: LayTerms) -> None:
    once = lay.clinical("is it safe to combine the nerve block and the drip?")
    assert "stellate ganglion block" in once and lay.clinical(once) == once


def test_a_malformed_glossary_is_refused_with_its_entry(tmp_path: Path) -> None:
    bad = tmp_path / "lay.toml"
    bad.write_text('[[term]]\nlay = "(unclosed"\nclinical = "x"\n', encoding="utf-8")
    with pytest.raises(LayTermsError, match="term 1"):
        LayTerms.load(bad)
    bad.write_text('[[term]]\nlay = "drip"\n', encoding="utf-8")
    with pytest.raises(LayTermsError, match="'lay' and 'clinical'"):
        LayTerms.load(bad)


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("whats the neck shot you guys do for ptsd", r"stellate ganglion|sympathetic"),
        ("will i need top-up sessions after the first round", r"booster|maintenance"),
        ("do i have to come in on an empty stomach", r"eaten lightly"),
        ("can i play my own playlist during it", r"music"),
        ("can you schedule around a full-time job", r"demanding professional schedules"),
    ],
)
def test_a_question_in_lay_words_gets_the_articles_answer(assistant: Assistant, question: str, fact: str) -> None:
    answer = assistant.ask(question)
    assert answer.route == "answered", answer.trace.abstain_reason
    assert re.search(fact, answer.body, re.I), answer.body
    assert answer.question == question  # the patient's words are what the reply and the store keep
