"""One feed entry (feedparser's dict) as a Post: plain-text title, resolved link, visible content, a content hash."""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urljoin, urlsplit

from ingest.clean import CLEANER_VERSION, clean_html
from ingest.errors import FeedParseError
from ingest.fetch import is_url
from ingest.text import plain_text
from ingest.types import Post

_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def entry_ids(entry: Any, base: str) -> tuple[str, ...]:
    return tuple(x for x in (str(entry.get("id", "")).strip(), entry_link(entry, base)) if x)


def entry_link(entry: Any, base: str) -> str:
    link = str(entry.get("link", "")).strip()
    return urljoin(base, link) if link and base else link


def item_label(entry: Any, number: int) -> str:
    title = plain_text(str(entry.get("title", "")))[:80]
    return f"item {number}" + (f" ({title!r})" if title else "")


def entry_to_post(entry: Any, base: str = "", html: str | None = None, source_hash: str | None = None) -> Post:
    """One feed entry as a Post; raises FeedParseError naming what is missing. `base` resolves a relative link;
    `html` and `source_hash` replace the entry's own content and hash (an excerpt-only entry's article page)."""
    title = plain_text(str(entry.get("title", "")))
    url = entry_link(entry, base)
    html = _content_html(entry) if html is None else html
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
        source_hash=source_hash or entry_hash(entry, base),
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
    payload["link"] = entry_link(entry, base)
    payload["content"] = _content_html(entry)
    payload["tags"] = [t.get("term", "") for t in entry.get("tags", [])]
    payload["cleaner"] = CLEANER_VERSION
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _iso(parsed_time: Any) -> str | None:
    if not parsed_time:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed_time), UTC).isoformat()
