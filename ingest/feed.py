"""Read RSS 2.0 / Atom feeds (feedparser) into Posts, following WordPress pages for URLs, reading the post's
page for excerpt-only entries."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

import feedparser

from ingest.decode import repair_encoding
from ingest.entry import entry_hash, entry_ids, entry_link, entry_to_post, item_label
from ingest.errors import FeedFetchError, FeedParseError, IngestError
from ingest.fetch import Fetched, FetchLimits, fetch_url, http_client, is_url, page_url, read_file
from ingest.pages import PageReader, is_excerpt_only
from ingest.types import FeedResult, Post, ReadProgress, SkippedItem, SourceKind

log = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 100


def read_feed(
    source: str,
    limits: FetchLimits | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    known: Mapping[str, Post] | None = None,
    progress: ReadProgress | None = None,
) -> FeedResult:
    """Every post of a source (a file path or an http(s) URL); raises IngestError when none is usable.

    `known` maps entry hashes to posts already parsed: an unchanged entry is not cleaned again. `progress(read, total)`
    is called after each entry of the file or page.
    """
    limits = limits or FetchLimits()
    known = known or {}
    if not is_url(source):
        pages = PageReader(limits)
        try:
            return parse_feed(read_file(source, limits), known=known, pages=pages, progress=progress)
        finally:
            pages.close()
    with http_client(limits) as client:

        def fetch(url: str) -> Fetched:
            return fetch_url(client, url, limits)

        return read_pages(source, fetch, max_pages, known, pages=PageReader(limits, fetch), progress=progress)


def read_pages(
    url: str,
    fetch: Callable[[str], Fetched],
    max_pages: int,
    known: Mapping[str, Post],
    first_page: Fetched | None = None,
    pages: PageReader | None = None,
    progress: ReadProgress | None = None,
) -> FeedResult:
    """Follow `?paged=N` until a page is missing, empty, short, or only repeats posts already seen.

    The read is complete unless a page failed (other than WordPress's 404 past the last page) or the page limit
    stopped it: only a complete read may retire posts. `progress(read, 0)` counts the posts of every page so far
    (a feed does not say how many posts it has in all)."""

    def page_progress(before: int) -> ReadProgress | None:
        return None if progress is None else (lambda read, _total: progress(before + read, 0))

    first = parse_feed(first_page or fetch(url), known=known, pages=pages, progress=page_progress(0))
    posts, skipped, warnings = list(first.posts), list(first.skipped), list(first.warnings)
    unreadable = set(first.unreadable)
    seen = {p.key for p in posts}
    page_size, page, complete = len(first.posts) + len(first.skipped), 1, True
    while page < max_pages and page_size > 0:
        page += 1
        try:
            result = parse_feed(fetch(page_url(url, page)), allow_empty=True, known=known, pages=pages, progress=page_progress(len(posts)))
        except FeedFetchError as exc:
            if "HTTP 404" not in str(exc):  # WordPress answers 404 past the last page
                skipped.append(SkippedItem(url, f"page {page}", str(exc)))
                complete = False
            page -= 1
            break
        except FeedParseError as exc:
            skipped.append(SkippedItem(url, f"page {page}", str(exc)))
            complete, page = False, page - 1
            break
        new = [p for p in result.posts if p.key not in seen]
        posts += new
        skipped += result.skipped
        warnings += result.warnings
        unreadable |= result.unreadable
        seen.update(p.key for p in new)
        if not new or len(result.posts) + len(result.skipped) < page_size:
            break
    else:
        if page >= max_pages:
            skipped.append(SkippedItem(url, f"page {page + 1}", f"stopped after {max_pages} pages (limit)"))
            complete = False
    kind: SourceKind = "page-fetch" if pages is not None and pages.fetched else "feed"
    return FeedResult(url, tuple(posts), tuple(skipped), page, complete, kind, tuple(warnings), frozenset(unreadable))


def parse_feed(
    fetched: Fetched, allow_empty: bool = False, known: Mapping[str, Post] | None = None, pages: PageReader | None = None, progress: ReadProgress | None = None
) -> FeedResult:
    """Posts from a feed document's bytes. Broken items are skipped and reported, not fatal. With `pages`, an
    excerpt-only entry is read from its post's page (ingest.pages); `progress(read, entries)` follows each entry.

    Relative links are resolved against the feed's URL (a file: against the channel's link); bad bytes are
    replaced one by one and counted in `warnings`."""
    body, content_type, bad_bytes = repair_encoding(fetched.body, fetched.content_type)
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False, response_headers={"content-type": content_type} if content_type else None)
    source = fetched.source
    if not parsed.get("version") and not parsed.entries:
        raise FeedParseError(f"{source}: {_not_a_feed_reason(parsed, fetched)}")
    base = source if is_url(source) else str(parsed.feed.get("link", ""))
    posts: dict[str, Post] = {}
    skipped: list[SkippedItem] = []
    warnings = [f"{source}: {bad_bytes} byte(s) invalid in its encoding were replaced"] if bad_bytes else []
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            post = _post(entry, base, known or {}, pages, warnings)
        except FeedParseError as exc:
            skipped.append(SkippedItem(source, item_label(entry, number), str(exc), entry_ids(entry, base)))
            continue
        if post.key in posts:
            skipped.append(SkippedItem(source, item_label(entry, number), f"the same post twice (guid {post.guid}, link {post.url}); kept the first"))
            continue
        posts[post.key] = post
        if progress is not None:
            progress(len(posts), len(parsed.entries))
    if not posts and not allow_empty:
        detail = f"; {len(skipped)} item(s) skipped: " + "; ".join(s.reason for s in skipped[:3]) if skipped else ""
        raise FeedParseError(f"{source}: the feed has no usable posts{detail}")
    unreadable = frozenset(i for s in skipped for i in s.ids)
    kind: SourceKind = "page-fetch" if pages is not None and pages.fetched else "feed"
    return FeedResult(source, tuple(posts.values()), tuple(skipped), kind=kind, warnings=tuple(warnings), unreadable=unreadable)


def _post(entry: Any, base: str, known: Mapping[str, Post], pages: PageReader | None, warnings: list[str]) -> Post:
    """The entry's post; for an excerpt-only entry, the article on the post's page (the excerpt if the page fails)."""
    own_hash = entry_hash(entry, base)
    if pages is None or not is_excerpt_only(entry):
        return known.get(own_hash) or entry_to_post(entry, base)
    url = entry_link(entry, base)
    try:
        article = pages.article_html(url)
    except IngestError as exc:
        warnings.append(f"{exc}; indexed the feed's excerpt instead")
        return known.get(own_hash) or entry_to_post(entry, base)
    page_hash = hashlib.sha256(f"{own_hash}\x1f{article}".encode()).hexdigest()
    return known.get(page_hash) or entry_to_post(entry, base, html=article, source_hash=page_hash)


def _not_a_feed_reason(parsed: Any, fetched: Fetched) -> str:
    head = fetched.body[:512].lstrip().lower()
    if "html" in fetched.content_type or head.startswith((b"<!doctype html", b"<html")):
        return "this is an HTML page, not an RSS or Atom feed"
    if not fetched.body.strip():
        return "the document is empty"
    error = parsed.get("bozo_exception")
    return f"not a readable RSS or Atom feed ({error})" if error else "not an RSS or Atom feed"
