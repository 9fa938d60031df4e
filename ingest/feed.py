"""Read RSS 2.0 / Atom feeds (feedparser) into Posts, following WordPress pages for URLs."""

from __future__ import annotations

import calendar
import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from ingest.clean import CLEANER_VERSION, clean_html
from ingest.decode import repair_encoding
from ingest.errors import FeedFetchError, FeedParseError
from ingest.fetch import Fetched, FetchLimits, fetch_url, http_client, is_url, page_url, read_file
from ingest.text import plain_text
from ingest.types import FeedResult, Post, SkippedItem

log = logging.getLogger(__name__)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")

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
        return read_pages(source, lambda url: fetch_url(client, url, limits), max_pages, known)


def read_pages(url: str, fetch: Callable[[str], Fetched], max_pages: int, known: Mapping[str, Post], first_page: Fetched | None = None) -> FeedResult:
    """Follow `?paged=N` until a page is missing, empty, short, or only repeats posts already seen.

    The read is complete unless a page failed (other than WordPress's 404 past the last page) or the page limit
    stopped it: only a complete read may retire posts."""
    first = parse_feed(first_page or fetch(url), known=known)
    posts, skipped, warnings = list(first.posts), list(first.skipped), list(first.warnings)
    unreadable = set(first.unreadable)
    seen = {p.key for p in posts}
    page_size, page, complete = len(first.posts) + len(first.skipped), 1, True
    while page < max_pages and page_size > 0:
        page += 1
        try:
            result = parse_feed(fetch(page_url(url, page)), allow_empty=True, known=known)
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
    return FeedResult(url, tuple(posts), tuple(skipped), page, complete, "feed", tuple(warnings), frozenset(unreadable))


def parse_feed(fetched: Fetched, allow_empty: bool = False, known: Mapping[str, Post] | None = None) -> FeedResult:
    """Posts from a feed document's bytes. Broken items are skipped and reported, not fatal.

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
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            post = (known or {}).get(entry_hash(entry, base)) or entry_to_post(entry, base)
        except FeedParseError as exc:
            skipped.append(SkippedItem(source, _item_label(entry, number), str(exc), _entry_ids(entry, base)))
            continue
        if post.key in posts:
            skipped.append(SkippedItem(source, _item_label(entry, number), f"the same post twice (guid {post.guid}, link {post.url}); kept the first"))
            continue
        posts[post.key] = post
    if not posts and not allow_empty:
        detail = f"; {len(skipped)} item(s) skipped: " + "; ".join(s.reason for s in skipped[:3]) if skipped else ""
        raise FeedParseError(f"{source}: the feed has no usable posts{detail}")
    warnings = (f"{source}: {bad_bytes} byte(s) invalid in its encoding were replaced",) if bad_bytes else ()
    unreadable = frozenset(i for s in skipped for i in s.ids)
    return FeedResult(source, tuple(posts.values()), tuple(skipped), warnings=warnings, unreadable=unreadable)


def _entry_ids(entry: Any, base: str) -> tuple[str, ...]:
    return tuple(x for x in (str(entry.get("id", "")).strip(), _link(entry, base)) if x)


def _link(entry: Any, base: str) -> str:
    link = str(entry.get("link", "")).strip()
    return urljoin(base, link) if link and base else link


def _not_a_feed_reason(parsed: Any, fetched: Fetched) -> str:
    head = fetched.body[:512].lstrip().lower()
    if "html" in fetched.content_type or head.startswith((b"<!doctype html", b"<html")):
        return "this is an HTML page, not an RSS or Atom feed"
    if not fetched.body.strip():
        return "the document is empty"
    error = parsed.get("bozo_exception")
    return f"not a readable RSS or Atom feed ({error})" if error else "not an RSS or Atom feed"


def _item_label(entry: Any, number: int) -> str:
    title = plain_text(str(entry.get("title", "")))[:80]
    return f"item {number}" + (f" ({title!r})" if title else "")


def entry_to_post(entry: Any, base: str = "") -> Post:
    """One feed entry as a Post; raises FeedParseError naming what is missing. `base` resolves a relative link."""
    title = plain_text(str(entry.get("title", "")))
    url = _link(entry, base)
    html = _content_html(entry)
    if not title:
        raise FeedParseError("no title")
    if not is_url(url):
        raise FeedParseError("no link to the post" if not url else f"the link {url!r} is not an http(s) URL")
    if not html.strip():
        raise FeedParseError("no content")
    body = clean_html(html, url)
    if body.is_empty:
        raise FeedParseError("no readable text in the content")
    return Post(
        guid=str(entry.get("id") or url).strip(),
        url=url,
        slug=slug_of(url),
        title=title,
        author=plain_text(str(entry.get("author", ""))),
        published=_iso(entry.get("published_parsed")),
        updated=_iso(dict.get(entry, "updated_parsed")),  # dict.get: no fallback to `published`
        categories=tuple(dict.fromkeys(plain_text(t.get("term", "")) for t in entry.get("tags", []) if t.get("term"))),
        sections=body.sections,
        faqs=body.faqs,
        takeaways=body.takeaways,
        references=body.references,
        source_hash=entry_hash(entry, base),
    )


def slug_of(url: str) -> str:
    """The last path segment of a post's URL (the host for a site's front page)."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or urlsplit(url).netloc


def _content_html(entry: Any) -> str:
    """The entry's HTML: full content if present, else the summary (plain-text summaries escaped, blank lines as paragraphs)."""
    contents = entry.get("content") or []
    if contents:
        return "\n".join(_as_html(str(c.get("value", "")), str(c.get("type", ""))) for c in contents)
    detail = entry.get("summary_detail") or {}
    return _as_html(str(entry.get("summary", "")), str(detail.get("type", "")))


def _as_html(value: str, content_type: str) -> str:
    # feedparser calls an RSS description HTML even when it holds no markup at all: such text is read as plain text
    if content_type != "text/plain" and _TAG.search(value):
        return value
    return "".join(f"<p>{escape(p)}</p>" for p in re.split(r"\n\s*\n", value) if p.strip())


def entry_hash(entry: Any, base: str = "") -> str:
    """A hash of everything of an entry that ends up in a Post: equal hash, equal post."""
    keys = ("id", "title", "author", "published", "updated", "summary")
    payload: dict[str, object] = {k: str(dict.get(entry, k, "")) for k in keys}
    payload["link"] = _link(entry, base)
    payload["content"] = _content_html(entry)
    payload["tags"] = [t.get("term", "") for t in entry.get("tags", [])]
    payload["cleaner"] = CLEANER_VERSION
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _iso(parsed_time: Any) -> str | None:
    if not parsed_time:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed_time), UTC).isoformat()
