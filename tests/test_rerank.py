"""The answer path with the cross-encoder: the model is the one we checked, it reads what answers a question,
the chat's and the README's example questions get their fact, follow-ups are resolved against the turn before,
and a question in another language gets a reply in that language with the way to a human."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from chatbot.assistant import Assistant
from chatbot.condense import standalone
from chatbot.rerank import EXPECTED_SHA256, CrossEncoder, RerankerError, model_dir
from chatbot.safety import messages as m
from chatbot.types import Message
from ingest.text import with_long_forms
from web.patient import EXAMPLES


def user(*texts: str) -> list[Message]:
    return [{"role": "user", "content": t} for t in texts]


@pytest.fixture(scope="module")
def reranker() -> CrossEncoder:
    return CrossEncoder()


def test_the_installed_model_is_the_one_we_checked(reranker: CrossEncoder) -> None:
    assert reranker.describe()["sha256"] == EXPECTED_SHA256


@pytest.mark.parametrize("damage", ["altered", "missing"])
def test_an_altered_or_missing_model_refuses_to_load(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "reranker_en"
    shutil.copytree(model_dir(), folder)
    model = folder / "model.onnx"
    if damage == "missing":
        model.unlink()
    else:
        data = bytearray(model.read_bytes())
        data[len(data) // 2] ^= 0xFF
        model.write_bytes(bytes(data))
    with pytest.raises(RerankerError, match=r"model\.onnx"):
        CrossEncoder(folder)


def test_the_cross_encoder_prefers_the_passage_that_answers(reranker: CrossEncoder) -> None:
    # The bi-encoder ranks the generic sentence among its top three for almost any question about infusions.
    passages = [
        "Above all: you do not need to figure anything out during the infusion.",
        "A standard ketamine induction series involves four to six IV infusions over four to six weeks.",
        "Maintenance infusions, single booster sessions, can be used when symptoms return.",
    ]
    scores = reranker.score("How many infusions will I need?", passages)
    assert scores.shape == (3,)
    assert int(scores.argmax()) == 1 and scores[1] > scores[0] + 3


def test_a_pairs_score_does_not_depend_on_the_other_passages(reranker: CrossEncoder) -> None:
    # The int8 model quantizes activations per call: scored in one batch, a pair's logit moved with its batch-mates.
    question = "Can I eat before my infusion?"
    answer = "On the day of your infusion, arrive having eaten lightly two to four hours beforehand."
    others = [f"{w} sentence about ketamine, neuroplasticity and the brain's fear circuits." * n for n, w in enumerate(["A", "Another", "A longer"], 1)]
    alone = reranker.score(question, [answer])[0]
    assert reranker.score(question, [*others, answer])[-1] == alone
    assert reranker.score(question, [answer, *others[:1]])[0] == alone


def test_the_articles_abbreviations_are_found_and_spelled_out(assistant: Assistant) -> None:
    # Schwartz-Hearst over the sample's sentences: each abbreviation the articles define, with its long form
    found = {short: long.lower() for short, long in assistant.composer.abbreviations.items()}
    assert found["SGB"] == "stellate ganglion block" and found["KAP"] == "ketamine-assisted psychotherapy"
    sgb = {"SGB": "stellate ganglion block"}
    assert with_long_forms("SGB coverage also varies. SGB is quick.", sgb) == "stellate ganglion block (SGB) coverage also varies. SGB is quick."
    # defined in place, a lower-case word, part of a longer token: left as written
    defined = "Stellate ganglion block (SGB) targets the nervous system."
    assert with_long_forms(defined, sgb) == defined
    assert with_long_forms("what ifs remain in KAP-style work", {"IFS": "Internal Family Systems", "KAP": "ketamine-assisted psychotherapy"}) == (
        "what ifs remain in KAP-style work"
    )


def test_a_passage_that_uses_the_abbreviation_is_read_with_its_long_form(reranker: CrossEncoder) -> None:
    passage = "On cost: SGB coverage also varies. We encourage you to contact our team before your consultation."
    spelled = with_long_forms(passage, {"SGB": "stellate ganglion block"})
    as_written, read = reranker.score("does insurance pay for the stellate ganglion block?", [passage, spelled])
    assert read > 0 > as_written


@pytest.mark.parametrize("question", ["does insurance pay for the stellate ganglion block?", "is the stellate ganglion block covered by insurance"])
def test_a_question_in_the_long_form_gets_the_answer_written_with_the_abbreviation(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.route == "answered" and "SGB coverage also varies" in answer.body, answer.body


# The fact each example must carry, from the article that answers it.
EXAMPLE_FACTS = {
    "How many infusions will I need?": r"four to six (IV )?infusions",
    "Do I need someone to drive me home after an infusion?": r"driv|ride",
    "What is stellate ganglion block (SGB)?": r"injection of local anesthetic|stellate ganglion, a cluster",
    "How should I prepare for my first session?": r"intention|preparation session",
    "can i eat before my infusion": r"eaten lightly",  # the README's and the issue's own examples
}


@pytest.mark.parametrize("question", [*EXAMPLES, "can i eat before my infusion"])
def test_example_questions_get_their_fact(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.route == "answered", answer.trace.abstain_reason
    assert re.search(EXAMPLE_FACTS[question], answer.body, re.I), answer.body
    assert answer.trace.reranked, "the cross-encoder read no candidate"


@pytest.mark.parametrize(
    "question",
    ["is there parking at your office", "Do you take Aetna insurance?", "Are you open on Sundays?", "how much does a ketamine infusion cost"],
)
def test_questions_the_articles_do_not_answer_are_declined(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.route in ("not_found", "out_of_scope"), answer.body
    assert not answer.citations and m.CLINIC_PHONE in answer.text


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        (user("Can ketamine help with treatment-resistant depression?"), "and for PTSD?", "Can ketamine help with PTSD?"),
        (user("Does SGB help with anxiety?"), "what about depression?", "Does SGB help with depression?"),
        (user("What is SGB?"), "how much does it cost?", "how much does SGB cost?"),
        (user("What is KAP?"), "what does it include?", "what does KAP include?"),
        (user("Who monitors the infusion sessions?", "Is it a doctor?"), "what's her background?", None),
        (user("What is SGB?"), "How should I set an intention before my session?", "How should I set an intention before my session?"),
    ],
)
def test_a_follow_up_is_made_standalone_for_the_cross_encoder(history: list[Message], question: str, expected: str | None) -> None:
    rewritten = standalone(question, history)
    if expected is None:  # nothing to resolve the pronoun with: the turn it follows is kept with it
        assert question in rewritten and "monitors the infusion" in rewritten
    else:
        assert rewritten == expected


def test_and_for_another_condition_answers_for_that_condition(assistant: Assistant) -> None:
    first = assistant.ask("How does ketamine help PTSD?")
    follow = assistant.ask("and for depression?", [*user("How does ketamine help PTSD?"), {"role": "assistant", "content": first.body}])
    assert follow.route == "answered"
    assert follow.body != first.body and "depress" in follow.body.lower()


def test_a_follow_up_about_the_price_of_the_treatment_just_discussed(assistant: Assistant) -> None:
    answer = assistant.ask("how much is the consultation for it?", [*user("What is SGB?"), {"role": "assistant", "content": "..."}])
    assert answer.route == "answered" and "$400" in answer.body


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("¿Cuánto cuesta una infusión de ketamina?", "español"),
        ("tengo depresion, me puede ayudar la ketamina?", "español"),
        ("Combien coûte une séance de kétamine ?", "français"),
        ("氯胺酮治疗抑郁症多少钱？", "中文"),
        ("ketamine cho trầm cảm có hiệu quả không", "tiếng Việt"),
    ],
)
def test_a_question_in_another_language_gets_a_reply_in_that_language(assistant: Assistant, question: str, word: str) -> None:
    answer = assistant.ask(question)
    assert answer.route == "not_found" and word in answer.body
    assert m.CLINIC_PHONE in answer.body and m.CLINIC_EMAIL in answer.body
    assert answer.disclaimer in answer.text and "988" in answer.text and not answer.citations


@pytest.mark.parametrize("question", ["does SGB help with PTSD", "what is KAP", "is sgb safe", "Is ketamine addictive?", "whats synaptic plasticity"])
def test_short_english_questions_are_not_mistaken_for_another_language(assistant: Assistant, question: str) -> None:
    assert assistant.language.other_language(question) is None


@pytest.mark.parametrize(
    ("before", "question"),
    [
        ("what happens after the induction series?", "can I get another round later if I need it?"),
        ("how long does relief from ketamine last", "can I get additional infusions if it comes back?"),
    ],
)
def test_asking_for_more_of_the_treatment_is_not_asking_for_something_the_articles_never_name(assistant: Assistant, before: str, question: str) -> None:
    # "can I get more / another / additional ..." asks about the treatment just discussed: the articles' booster sessions
    answer = assistant.ask(question, user(before))
    assert answer.route == "answered", answer.trace.abstain_reason
    assert re.search(r"maintenance infusions|booster", answer.body, re.I), answer.body
