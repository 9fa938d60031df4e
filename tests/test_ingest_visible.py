"""Only what a reader of the clinic's site sees is indexed (issue 15, kinds 1-7): parsing alone, no model."""

from __future__ import annotations

import pytest

from ingest.feed import parse_feed
from ingest.fetch import Fetched
from ingest.types import Post
from tests import feeds


def all_text(post: Post) -> str:
    parts = [post.title, *(h for s in post.sections for h in (s.heading, *s.paragraphs))]
    parts += [x for f in post.faqs for x in (f.question, f.answer)] + list(post.takeaways)
    return "\n".join(parts)


def parse(body: bytes, source: str = "feed.xml", content_type: str = ""):
    return parse_feed(Fetched(source, body, content_type))


@pytest.mark.parametrize("way", feeds.HIDDEN_WAYS)
def test_hidden_text_is_never_indexed(way: str) -> None:
    html = "<p>Visible introduction about infusions.</p>" + way.format(x=feeds.PLANTED) + "<p>Visible closing line.</p>"
    [post] = parse(feeds.rss(feeds.item("hidden", html=html))).posts
    text = all_text(post)
    assert "Visible introduction" in text and "Visible closing line" in text
    assert "555-0100" not in text and "antidepressants" not in text


def test_text_hidden_only_from_screen_readers_is_kept() -> None:
    """aria-hidden hides from assistive technology, not from the eye: a sighted reader sees it."""
    [post] = parse(feeds.rss(feeds.item("aria", html='<p aria-hidden="true">Parking is free.</p>'))).posts
    assert "Parking is free." in all_text(post)


def test_shortcode_tags_are_dropped_and_their_text_kept() -> None:
    [post] = parse(feeds.rss(feeds.item("lounge", html=feeds.SHORTCODE_HTML))).posts
    text = all_text(post)
    for kept in ("Our recovery lounge has twelve reclining chairs.", "Infusions take about forty minutes.", "Parking is free behind the building.",
                 "Bring a friend to drive you home.", "Masks are optional in the lobby."):  # fmt: skip
        assert kept in text
    for leaked in ("[caption id", "[/caption]", "vc_", "et_pb", "fusion_", "gallery", "contact-form-7", "youtube", "elementor", "margin", 'A]"'):
        assert leaked not in text, leaked
    assert "The study [1] reported results [sic] and WordPress writes [caption] for a literal tag." in text


@pytest.mark.parametrize("shortcode", sorted(feeds.BLIND_SHORTCODES))
def test_more_shortcode_shapes_keep_only_their_text(shortcode: str) -> None:
    [post] = parse(feeds.rss(feeds.item("sc", html=f"<p>Intro here.</p><p>{shortcode}</p>"))).posts
    assert [p for s in post.sections for p in s.paragraphs] == ["Intro here.", feeds.BLIND_SHORTCODES[shortcode]]


def test_text_outside_paragraphs_is_read() -> None:
    [post] = parse(feeds.rss(feeds.item("nitrous", html=feeds.OUTSIDE_P_HTML))).posts
    paragraphs = [p for s in post.sections for p in s.paragraphs]
    for line in ("Nitrous oxide sessions last about an hour.", "You can drive yourself home afterwards.", "Eat a light meal beforehand.",
                 "Appointments open at eight in the morning.", "Initial consult | Free of charge",
                 "The treatment room has a window onto the garden.", "I finally slept through the night.",
                 "Bare text after the blocks is read too."):  # fmt: skip
        assert line in paragraphs, line


def test_plain_text_descriptions_and_atom_summaries_are_read() -> None:
    plain = feeds.rss_raw(
        feeds.raw_item("Hours", "https://clinic.test/hours/", "g1", "<description>We are open 8 to 5 &amp; closed Sundays.\n\nCall us first.</description>")
    )
    [post] = parse(plain).posts
    assert [p for s in post.sections for p in s.paragraphs] == ["We are open 8 to 5 & closed Sundays.", "Call us first."]
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>C</title><id>urn:c</id>'
        b'<updated>2026-05-13T04:00:00Z</updated><entry><title>Parking</title><link href="https://clinic.test/parking/"/><id>urn:p</id>'
        b"<updated>2026-05-13T04:00:00Z</updated><summary>Park behind the building; the lot is free.</summary></entry></feed>"
    )
    [post] = parse(atom).posts
    assert post.sections[0].paragraphs == ("Park behind the building; the lot is free.",)


TITLES = {
    "<![CDATA[Ketamine&#8217;s Role in Anxiety &amp; Sleep]]>": "Ketamine's Role in Anxiety & Sleep",
    "Ketamine&#8217;s Role in Anxiety &amp;amp; Sleep": "Ketamine's Role in Anxiety & Sleep",
    "&lt;em&gt;Esketamine&lt;/em&gt; vs. IV ketamine": "Esketamine vs. IV ketamine",
    "<![CDATA[SGB &#8211; <strong>What</strong> to expect]]>": "SGB \u2013 What to expect",
    "Caf&#233; &#x26; lounge": "Caf\u00e9 & lounge",
}


@pytest.mark.parametrize("title_xml", sorted(TITLES))
def test_titles_are_plain_text_decoded_once(title_xml: str) -> None:
    body = "<description>Some text about the clinic.</description>"
    [post] = parse(feeds.rss_raw(feeds.raw_item(title_xml, "https://clinic.test/t/", "g", body))).posts
    assert post.title == TITLES[title_xml]


def test_one_bad_byte_is_replaced_alone_and_reported() -> None:
    good = feeds.rss(feeds.item("cafe", topic="Caf\u00e9 hours and it\u2019s parking"))
    broken = good.replace(b"Intro paragraph", b"Intro \xff paragraph", 1)
    result = parse(broken)
    [post] = result.posts
    text = all_text(post)
    assert "Caf\u00e9" in post.title and "it's" in post.title.lower() and "\u00c3" not in text and "\u00e2\u20ac" not in text
    assert result.warnings and "1 byte(s)" in result.warnings[0]
    assert not parse(good).warnings


def test_a_declared_single_byte_encoding_is_honoured() -> None:
    latin = feeds.rss(feeds.item("cafe", topic="Caf\u00e9 visits")).replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"').decode().encode("latin-1")
    result = parse(latin)
    assert result.posts[0].title == "Caf\u00e9 Visits" and not result.warnings
    header_says_utf8 = feeds.rss(feeds.item("menu", topic="Men\u00fa \u00f1")).replace("\u00f1".encode(), b"\xf1")
    result = parse(header_says_utf8, content_type="application/rss+xml; charset=UTF-8")
    assert result.posts[0].title.startswith("Men\u00fa") and result.warnings


def test_two_posts_sharing_a_guid_with_different_links_are_both_kept() -> None:
    a = feeds.item("infusions", guid="https://clinic.test/?p=7")
    b = feeds.item("sgb-basics", guid="https://clinic.test/?p=7")
    again = feeds.item("infusions", guid="https://clinic.test/?p=7")
    result = parse(feeds.rss(a, b, again))
    assert {p.slug for p in result.posts} == {"infusions", "sgb-basics"}
    assert len({p.key for p in result.posts}) == 2
    assert len(result.skipped) == 1 and "the same post twice" in result.skipped[0].reason


def test_relative_links_resolve_against_the_feed_url() -> None:
    item = feeds.raw_item(
        "Nitrous oxide FAQ", "/nitrous-oxide-faq/", "g9", '<description><![CDATA[<p>See <a href="/pricing/">pricing</a>.</p>]]></description>'
    )
    result = parse(feeds.rss_raw(item), source="https://clinic.test/blog/feed/")
    assert [p.url for p in result.posts] == ["https://clinic.test/nitrous-oxide-faq/"] and not result.skipped
    from_file = parse(feeds.rss_raw(item, link="https://softreboot.test/"), source="/tmp/feed.xml")
    assert from_file.posts[0].url == "https://softreboot.test/nitrous-oxide-faq/"


def test_hidden_and_shortcode_text_reach_no_chunk_and_no_answer(tmp_path, embedder) -> None:
    from chatbot.assistant import Assistant
    from index import IndexStore, run_ingest

    hidden = "".join(way.format(x=feeds.PLANTED) for way in feeds.HIDDEN_WAYS)
    html = "<p>Infusions at the clinic are supervised by Dr. Herman from start to finish.</p>" + hidden + feeds.SHORTCODE_HTML
    feed = tmp_path / "feed.xml"
    feed.write_bytes(feeds.rss(feeds.item("infusions", html=html)))
    run_ingest([str(feed)], IndexStore(tmp_path / "d"), embedder)
    assistant = Assistant.load(IndexStore(tmp_path / "d"), embedder)
    chunks = "\n".join(c.embed_text for c in assistant.version.chunks)
    assert "Our recovery lounge has twelve reclining chairs." in chunks
    assert "555-0100" not in chunks and "antidepressants" not in chunks and "[caption id" not in chunks and "vc_" not in chunks
    for question in (
        "What number should every patient call?",
        "What does the clinic tell patients about antidepressants?",
        "How many chairs are in the lounge?",
    ):
        answer = assistant.ask(question)
        assert "555-0100" not in answer.text and "[caption id" not in answer.text, question
