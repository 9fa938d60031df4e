"""Excerpt-only feeds: each post's page is fetched and its article extracted with trafilatura (issue 15, kind 9)."""

from __future__ import annotations

from pathlib import Path

from index import Embedder, IndexStore, run_ingest
from ingest import FetchLimits, read_source
from ingest.pages import is_excerpt_only
from ingest.types import Post
from tests import feeds
from tests.httpserver import FeedServer, Reply

HTML = {"Content-Type": "text/html; charset=UTF-8"}


def text_of(post: Post) -> str:
    return "\n".join([*(p for s in post.sections for p in (s.heading, *s.paragraphs)), *(f"{f.question} {f.answer}" for f in post.faqs), *post.takeaways])


def site(server: FeedServer, article: str = feeds.NITROUS_ARTICLE) -> str:
    excerpt = "Nitrous oxide sessions at the clinic last about an hour, including time to settle in and recover."
    server.routes["/feed/"] = Reply(200, feeds.rss(feeds.excerpt_item("nitrous-oxide", server.base, "Nitrous oxide FAQ", excerpt)))
    server.routes["/nitrous-oxide/"] = Reply(200, feeds.theme_page("Nitrous oxide FAQ", article), HTML)
    return f"{server.base}/feed/"


def test_the_article_is_read_from_the_posts_page(feed_server: FeedServer) -> None:
    result = read_source(site(feed_server))
    [post] = result.posts
    text = text_of(post)
    assert "Most patients can drive themselves home about thirty minutes after a nitrous oxide session ends." in text
    assert "A list of the medications you take." in text and "Can I drive home afterwards?" in text
    for chrome in ("Services", "Sidebar headline", "Copyright", "dataLayer", "555-0100", "[…]", "[...]"):
        assert chrome not in text, chrome
    assert result.kind == "page-fetch" and "/nitrous-oxide/" in feed_server.requests


def test_a_page_that_cannot_be_read_leaves_the_excerpt_and_a_warning(feed_server: FeedServer) -> None:
    url = site(feed_server)
    feed_server.routes["/nitrous-oxide/"] = Reply(404, b"gone", HTML)
    result = read_source(url)
    assert "Nitrous oxide sessions at the clinic last about an hour" in text_of(result.posts[0])
    assert any("HTTP 404" in w and "excerpt" in w for w in result.warnings)


def test_post_pages_are_held_to_the_feed_limits(feed_server: FeedServer) -> None:
    url = site(feed_server, article=feeds.NITROUS_ARTICLE + "<p>" + "filler words " * 40_000 + "</p>")
    result = read_source(url, FetchLimits(max_bytes=200_000))
    assert any("over the 200,000-byte limit" in w for w in result.warnings)


def test_full_content_feeds_fetch_no_pages(feed_server: FeedServer) -> None:
    feed_server.routes["/feed/"] = Reply(200, feeds.rss(feeds.item("full-post")))
    assert read_source(f"{feed_server.base}/feed/").kind == "feed"
    assert all(not r.startswith("/full-post") for r in feed_server.requests)


def test_excerpt_endings_are_recognised() -> None:
    for more in (
        " [&#8230;]",
        " [&hellip;]",
        " [...]",
        "\u2026",
        '… <a href="/x/">Continue reading <span class="screen-reader-text">X</span></a>',
        " Read more",
    ):
        assert is_excerpt_only({"summary": f"<p>Some words of the post{more}</p>"}), more
    assert not is_excerpt_only({"summary": "<p>A complete short post.</p>"})
    assert not is_excerpt_only({"summary": "<p>Text [&#8230;]</p>", "content": [{"value": "<p>Full</p>"}]})


def test_an_edited_page_is_re_read_and_an_unchanged_one_embeds_nothing(feed_server: FeedServer, tmp_path: Path, embedder: Embedder) -> None:
    url = site(feed_server)
    first = run_ingest([url], IndexStore(tmp_path / "d"), embedder)
    again = run_ingest([url], IndexStore(tmp_path / "d"), embedder)
    assert first.new == 1 and again.texts_embedded == 0 and not again.published
    site(feed_server, article=feeds.NITROUS_ARTICLE.replace("about thirty minutes", "about forty-five minutes"))
    edited = run_ingest([url], IndexStore(tmp_path / "d"), embedder)
    assert edited.changed == 1 and edited.published
    manifest = IndexStore(tmp_path / "d").load_current(embedder.name, embedder.dimension).manifest
    assert manifest["sources"][0]["kind"] == "page-fetch"
