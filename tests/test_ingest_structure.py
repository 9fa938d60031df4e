"""The sample feed is cleaned into structure, and chunked within the model's limits."""

from __future__ import annotations

import itertools
import re

import pytest

from index import Embedder
from ingest import Chunker, ChunkingConfig, Post, read_feed
from ingest.clean import clean_html
from settings import SAMPLE_FEED


@pytest.fixture(scope="module")
def posts() -> tuple[Post, ...]:
    return read_feed(str(SAMPLE_FEED)).posts


@pytest.fixture(scope="module")
def chunker(embedder: Embedder) -> Chunker:
    return Chunker(ChunkingConfig(), embedder.count_tokens)


def all_text(post: Post) -> str:
    return " ".join([*(p for s in post.sections for p in s.paragraphs), *(f.question + f.answer for f in post.faqs), *post.takeaways])


def test_every_post_has_its_metadata(posts: tuple[Post, ...]) -> None:
    assert len(posts) == 4
    for post in posts:
        assert post.url.startswith("https://softrebootwellness.com/") and post.slug in post.url
        assert post.title and post.guid and post.author == "Dr. Sara Herman, MD"
        assert post.published and post.published.startswith("2026-05")
        assert "Ketamine Therapy" in post.categories


def test_sections_faqs_takeaways_and_references_are_separated(posts: tuple[Post, ...]) -> None:
    ptsd = next(p for p in posts if p.slug == "ketamine-therapy-ptsd-menlo-park")
    headings = [s.heading for s in ptsd.sections]
    assert "The Role of Stellate Ganglion Block in PTSD Treatment" in headings
    assert next(f.question for f in ptsd.faqs) == "How quickly might I notice a difference after a ketamine infusion for PTSD?"
    assert all(f.answer and not f.answer.startswith(f.question) for f in ptsd.faqs)
    assert len(ptsd.takeaways) == 5
    assert len(ptsd.references) == 4 and all(r.url and r.url.startswith("https://") for r in ptsd.references)
    assert sum(len(p.faqs) for p in posts) == 16


def test_boilerplate_is_dropped_and_text_is_clean(posts: tuple[Post, ...]) -> None:
    for post in posts:
        text = all_text(post)
        assert "appeared first on" not in text
        assert "Reviewed by" not in text
        assert "Medical Disclaimer" not in text
        assert "&#8217;" not in text and "\u2019" not in text and "  " not in text
        assert "mayoclinic.org" not in text  # references are metadata, not passages


def test_script_style_and_iframe_never_reach_the_text() -> None:
    body = clean_html(
        "<p>Visible text.</p><script>alert('x')</script><style>p{color:red}</style>"
        "<iframe src='https://evil.test'>frame text</iframe><noscript>enable js</noscript><h2>Next</h2><p>More.</p>"
    )
    text = " ".join(p for s in body.sections for p in s.paragraphs)
    assert text == "Visible text. More."


def test_faq_with_question_headings_is_paired() -> None:
    body = clean_html("<h2>FAQs</h2><h3>Do I need a ride?</h3><p>Yes, you need a ride home.</p><p>Plan ahead.</p><h3>Is it safe?</h3><p>Usually.</p>")
    assert [(f.question, f.answer) for f in body.faqs] == [("Do I need a ride?", "Yes, you need a ride home. Plan ahead."), ("Is it safe?", "Usually.")]


def test_chunks_fit_the_model_and_carry_their_source(posts: tuple[Post, ...], chunker: Chunker, embedder: Embedder) -> None:
    for post in posts:
        chunks = chunker.chunks(post)
        kinds = {c.kind for c in chunks}
        assert kinds == {"section", "faq", "takeaways"}
        assert len([c for c in chunks if c.kind == "faq"]) == len(post.faqs)  # one FAQ pair, one chunk
        for chunk in chunks:
            assert embedder.count_tokens(chunk.embed_text) <= embedder.max_seq_length
            assert chunker.count_tokens(chunk.text) <= ChunkingConfig().max_tokens
            assert chunk.url == post.url and chunk.title == post.title
            assert chunk.embed_text.startswith(f"{post.title}.")
            assert chunk.text == " ".join(chunk.sentences)
        assert [c.position for c in chunks] == list(range(len(chunks)))


def test_long_sections_split_at_sentences_with_overlap(chunker: Chunker) -> None:
    sentences = [f"Sentence number {i} explains one more detail of the infusion process in plain words." for i in range(60)]
    post = read_feed(str(SAMPLE_FEED)).posts[0]
    from dataclasses import replace

    from ingest import Section

    long_post = replace(post, sections=(Section("Long", tuple(" ".join(sentences[i : i + 5]) for i in range(0, 60, 5))),), faqs=(), takeaways=())
    chunks = chunker.chunks(long_post)
    assert len(chunks) > 3
    for a, b in itertools.pairwise(chunks):
        assert a.sentences[-1] in b.sentences[:3]  # a little overlap, in whole sentences
    covered = {s for c in chunks for s in c.sentences}
    assert covered == set(sentences)


def test_one_enormous_sentence_is_cut_to_fit(chunker: Chunker, embedder: Embedder) -> None:
    from dataclasses import replace

    from ingest import Section

    post = read_feed(str(SAMPLE_FEED)).posts[0]
    words = " ".join(f"word{i}" for i in range(3000))
    chunks = chunker.chunks(replace(post, sections=(Section("Wall", (words,)),), faqs=(), takeaways=()))
    assert len(chunks) > 5
    assert all(embedder.count_tokens(c.embed_text) <= embedder.max_seq_length for c in chunks)
    assert re.sub(r"\s+", " ", " ".join(c.text for c in chunks)).count("word2999") == 1
