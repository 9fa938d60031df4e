"""Read RSS 2.0 / Atom feeds (feedparser) into Posts, following WordPress pages for URLs."""

from __future__ import annotations

import calendar
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from ingest.clean import clean_html
from ingest.errors import FeedFetchError, FeedParseError
from ingest.fetch import Fetched, FetchLimits, fetch_url, http_client, is_url, page_url, read_file
from ingest.text import normalize
from ingest.types import FeedResult, Post, SkippedItem

log = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 100


def read_feed(
    source: str,
    limits: FetchLimits | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    known: Mapping[str, Post] | None = None,
) -> FeedResult:
    """Every post of a source (a file path or an http(s) URL); raises IngestError when none is usable.

    `known` maps entry hashes to posts already parsed: an unchanged entry is not cleaned again.
    """
    limits = limits or FetchLimits()
    known = known or {}
    if not is_url(source):
        return parse_feed(read_file(source, limits), known=known)
    with http_client(limits) as client:
        return _read_pages(source, lambda url: fetch_url(client, url, limits), max_pages, known)


def _read_pages(url: str, fetch: Callable[[str], Fetched], max_pages: int, known: Mapping[str, Post]) -> FeedResult:
    """Follow `?paged=N` until a page is missing, empty, short, or only repeats posts already seen."""
    first = parse_feed(fetch(url), known=known)
    posts, skipped = list(first.posts), list(first.skipped)
    seen = {p.guid for p in posts}
    page_size, page = len(first.posts) + len(first.skipped), 1
    while page < max_pages and page_size > 0:
        page += 1
        try:
            result = parse_feed(fetch(page_url(url, page)), allow_empty=True, known=known)
        except FeedFetchError as exc:
            if "HTTP 404" not in str(exc):  # WordPress answers 404 past the last page
                skipped.append(SkippedItem(url, f"page {page}", str(exc)))
            page -= 1
            break
        new = [p for p in result.posts if p.guid not in seen]
        posts += new
        skipped += result.skipped
        seen.update(p.guid for p in new)
        if not new or len(result.posts) + len(result.skipped) < page_size:
            break
    else:
        if page >= max_pages:
            skipped.append(SkippedItem(url, f"page {page + 1}", f"stopped after {max_pages} pages (limit)"))
    return FeedResult(url, tuple(posts), tuple(skipped), page)


def parse_feed(fetched: Fetched, allow_empty: bool = False, known: Mapping[str, Post] | None = None) -> FeedResult:
    """Posts from a feed document's bytes. Broken items are skipped and reported, not fatal."""
    parsed = feedparser.parse(fetched.body, sanitize_html=False, resolve_relative_uris=False)
    source = fetched.source
    if not parsed.get("version") and not parsed.entries:
        raise FeedParseError(f"{source}: {_not_a_feed_reason(parsed, fetched)}")
    posts: dict[str, Post] = {}
    skipped: list[SkippedItem] = []
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            post = (known or {}).get(entry_hash(entry)) or entry_to_post(entry)
        except FeedParseError as exc:
            skipped.append(SkippedItem(source, _item_label(entry, number), str(exc)))
            continue
        if post.guid in posts:
            skipped.append(SkippedItem(source, _item_label(entry, number), f"duplicate guid {post.guid}; kept the first"))
            continue
        posts[post.guid] = post
    if not posts and not allow_empty:
        detail = f"; {len(skipped)} item(s) skipped: " + "; ".join(s.reason for s in skipped[:3]) if skipped else ""
        raise FeedParseError(f"{source}: the feed has no usable posts{detail}")
    return FeedResult(source, tuple(posts.values()), tuple(skipped))


def _not_a_feed_reason(parsed: Any, fetched: Fetched) -> str:
    head = fetched.body[:512].lstrip().lower()
    if "html" in fetched.content_type or head.startswith((b"<!doctype html", b"<html")):
        return "this is an HTML page, not an RSS or Atom feed"
    if not fetched.body.strip():
        return "the document is empty"
    error = parsed.get("bozo_exception")
    return f"not a readable RSS or Atom feed ({error})" if error else "not an RSS or Atom feed"


def _item_label(entry: Any, number: int) -> str:
    title = normalize(str(entry.get("title", "")))[:80]
    return f"item {number}" + (f" ({title!r})" if title else "")


def entry_to_post(entry: Any) -> Post:
    """One feed entry as a Post; raises FeedParseError naming what is missing."""
    title = normalize(str(entry.get("title", "")))
    url = str(entry.get("link", "")).strip()
    html = _content_html(entry)
    if not title:
        raise FeedParseError("no title")
    if not is_url(url):
        raise FeedParseError("no link to the post")
    if not html.strip():
        raise FeedParseError("no content")
    body = clean_html(html)
    if body.is_empty:
        raise FeedParseError("no readable text in the content")
    return Post(
        guid=str(entry.get("id") or url).strip(),
        url=url,
        slug=urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or urlsplit(url).netloc,
        title=title,
        author=normalize(str(entry.get("author", ""))),
        published=_iso(entry.get("published_parsed")),
        updated=_iso(dict.get(entry, "updated_parsed")),  # dict.get: no fallback to `published`
        categories=tuple(dict.fromkeys(normalize(t.get("term", "")) for t in entry.get("tags", []) if t.get("term"))),
        sections=body.sections,
        faqs=body.faqs,
        takeaways=body.takeaways,
        references=body.references,
        source_hash=entry_hash(entry),
    )


def _content_html(entry: Any) -> str:
    contents = entry.get("content") or []
    if contents:
        return "\n".join(str(c.get("value", "")) for c in contents)
    return str(entry.get("summary", ""))


def entry_hash(entry: Any) -> str:
    """A hash of everything of an entry that ends up in a Post: equal hash, equal post."""
    keys = ("id", "link", "title", "author", "published", "updated", "summary")
    payload: dict[str, object] = {k: str(dict.get(entry, k, "")) for k in keys}
    payload["content"] = _content_html(entry)
    payload["tags"] = [t.get("term", "") for t in entry.get("tags", [])]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _iso(parsed_time: Any) -> str | None:
    if not parsed_time:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed_time), UTC).isoformat()
