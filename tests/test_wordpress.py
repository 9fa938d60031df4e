"""A WordPress site as a source: posts and pages through the REST API, the feed when the API is disabled
(issue 15, kind 10). A real HTTP server on 127.0.0.1 serves responses in the REST API's own format."""

from __future__ import annotations

from pathlib import Path

from chatbot.assistant import Assistant
from index import Embedder, IndexStore, run_ingest
from ingest import read_source
from tests import feeds
from tests.httpserver import FeedServer, Reply
from tests.wp_site import WordPressSite, post_item


def load(data: Path, embedder: Embedder):
    return IndexStore(data).load_current(embedder.name, embedder.dimension)


def test_a_site_is_read_through_the_rest_api_posts_and_pages(feed_server: FeedServer) -> None:
    site = WordPressSite(feed_server)
    site.publish([post_item(n) for n in range(130)])  # two pages of posts
    result = read_source(site.url)
    assert result.kind == "rest-api" and result.complete and result.source == site.url
    urls = {p.url for p in result.posts}
    assert len(urls) == 132 and {"https://clinic.test/pricing/", "https://clinic.test/contact/"} <= urls
    pricing = next(p for p in result.posts if p.slug == "pricing")
    assert pricing.title == "Pricing & Insurance" and pricing.updated == "2026-04-30T16:05:41+00:00" and pricing.guid == "https://clinic.test/?page_id=12"
    contact = next(p for p in result.posts if p.slug == "contact")
    assert "Please bring a photo ID and a list of your current medications to your first visit." in contact.sections[0].paragraphs
    assert [s.item for s in result.skipped] == ["page 16"] and "password-protected" in result.skipped[0].reason
    api_requests = [r for r in feed_server.requests if r.startswith("/wp-json/wp/v2/")]
    assert len(api_requests) == 3 and all("_fields=" in r and "per_page=100" in r for r in api_requests)
    assert "/feed/" not in feed_server.requests


def test_the_clinics_pages_answer_patients(feed_server: FeedServer, tmp_path: Path, embedder: Embedder) -> None:
    site = WordPressSite(feed_server)
    site.publish([post_item(n) for n in range(3)])
    run_ingest([site.url], IndexStore(tmp_path / "d"), embedder)
    answer = Assistant.load(IndexStore(tmp_path / "d"), embedder).ask("How much does one ketamine infusion cost?")
    assert answer.route == "answered" and "$450" in answer.text
    assert answer.citations[0].url == "https://clinic.test/pricing/"
    assert load(tmp_path / "d", embedder).manifest["sources"][0]["kind"] == "rest-api"


def test_unchanged_site_embeds_nothing_and_an_edit_is_found_by_modified_gmt(feed_server: FeedServer, tmp_path: Path, embedder: Embedder) -> None:
    site = WordPressSite(feed_server)
    posts = [post_item(n) for n in range(4)]
    site.publish(posts)
    run_ingest([site.url], IndexStore(tmp_path / "d"), embedder)
    again = run_ingest([site.url], IndexStore(tmp_path / "d"), embedder)
    assert again.texts_embedded == 0 and not again.published and again.unchanged == 6
    posts[1] = post_item(1, html="<p>Topic 1 sessions now last fifty minutes.</p>", modified="2026-06-01T10:00:00")
    site.publish(posts)
    edited = run_ingest([site.url], IndexStore(tmp_path / "d"), embedder)
    assert edited.changed == 1 and edited.unchanged == 5 and edited.published


def test_a_deleted_post_is_retired_after_a_complete_read_but_not_a_partial_one(feed_server: FeedServer, tmp_path: Path, embedder: Embedder) -> None:
    site = WordPressSite(feed_server)
    posts = [post_item(n) for n in range(120)]
    site.publish(posts)
    run_ingest([site.url], IndexStore(tmp_path / "d"), embedder)
    site.publish(posts[1:])  # post 0 deleted; page 2 of posts fails
    site.fail("posts", 2)
    partial = run_ingest([site.url], IndexStore(tmp_path / "d"), embedder)
    assert partial.retired == [] and partial.partial == [site.url]
    site.publish(posts[1:])
    complete = run_ingest([site.url], IndexStore(tmp_path / "d"), embedder)
    assert [r.url for r in complete.retired] == ["https://clinic.test/post-0/"]


def test_without_total_pages_the_read_stops_at_the_invalid_page_answer(feed_server: FeedServer) -> None:
    site = WordPressSite(feed_server)
    site.publish([post_item(n) for n in range(101)], total_pages_header=False)
    result = read_source(site.url)
    assert len([p for p in result.posts if p.slug.startswith("post-")]) == 101 and result.complete


def test_a_disabled_rest_api_falls_back_to_the_feed(feed_server: FeedServer) -> None:
    site = WordPressSite(feed_server)
    site.publish([post_item(0)])
    site.disable_api()
    site.serve_feed(feeds.item("from-the-feed"))
    result = read_source(site.url)
    assert result.kind == "feed" and result.source == site.url and [p.slug for p in result.posts] == ["from-the-feed"]
    assert any("REST API not usable" in w for w in result.warnings)


def test_the_api_root_itself_is_a_source(feed_server: FeedServer) -> None:
    site = WordPressSite(feed_server)
    site.publish([post_item(0)])
    assert read_source(site.root).kind == "rest-api"


def test_a_feed_url_with_the_api_link_header_is_still_a_feed(feed_server: FeedServer) -> None:
    """WordPress sends the api.w.org Link header on feeds too: a feed is read as the feed it is."""
    site = WordPressSite(feed_server)
    site.publish([post_item(0)])
    site.serve_feed(feeds.item("only-in-feed"))
    feed_server.routes["/feed/"].headers["Link"] = f'<{site.root}>; rel="https://api.w.org/"'
    assert [p.slug for p in read_source(f"{feed_server.base}/feed/").posts] == ["only-in-feed"]


def test_reading_a_site_reports_posts_read_of_the_sites_own_count(feed_server: FeedServer) -> None:
    site = WordPressSite(feed_server)
    site.publish([post_item(n) for n in range(130)])  # two pages of posts, then one of pages
    seen: list[tuple[int, int]] = []
    result = read_source(site.url, progress=lambda read, total: seen.append((read, total)))
    assert [read for read, _ in seen] == sorted(read for read, _ in seen) and len(seen) == 3  # one call per API page
    assert seen[0] == (100, 130)  # X-WP-Total of the posts, before any page was read
    assert seen[-1][0] == len(result.posts) + len(result.skipped) == seen[-1][1]  # all items, of both collections


def test_reading_a_paged_feed_counts_posts_across_its_pages(feed_server: FeedServer) -> None:
    feed_server.routes["/feed/"] = Reply(200, feeds.rss(*(feeds.item(f"a{n}") for n in range(3))))
    feed_server.routes["/feed/?paged=2"] = Reply(200, feeds.rss(*(feeds.item(f"b{n}") for n in range(2))))
    seen: list[tuple[int, int]] = []
    result = read_source(f"{feed_server.base}/feed/", progress=lambda read, total: seen.append((read, total)))
    assert len(result.posts) == 5
    assert seen == [(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]  # a feed does not say how many posts it has: no total
