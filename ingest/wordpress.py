"""A WordPress site read through its REST API: posts *and* pages (`/wp/v2/posts`, `/wp/v2/pages`).

The API root is discovered the way WordPress documents it: the `Link: <…/wp-json/>; rel="https://api.w.org/"`
header (or the same `<link>` in the page's `<head>`) that every WordPress page carries. Collections are read
`per_page=100` at a time, `_fields` keeping responses small, until `X-WP-TotalPages` (WordPress answers
400 `rest_post_invalid_page_number` past the last page, and a page may hold fewer items than `per_page` when
some are not readable, so the count of pages, not a short page, ends the read). `modified_gmt` is part of each
item's hash, so an edited post or page is cleaned and embedded again and an unchanged one is not.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import urlencode, urljoin

from bs4 import BeautifulSoup, Tag

from ingest.clean import CLEANER_VERSION, clean_html
from ingest.entry import slug_of
from ingest.errors import FeedFetchError, FeedParseError, RestApiUnavailableError
from ingest.fetch import Fetched, is_url
from ingest.text import plain_text
from ingest.types import FeedResult, Post, ReadProgress, SkippedItem

API_REL = "https://api.w.org/"
COLLECTIONS = ("posts", "pages")
PER_PAGE = 100  # the REST API's maximum
FIELDS = ("id", "type", "guid", "link", "date_gmt", "modified_gmt", "title", "content", "excerpt")
_LINK_HEADER = re.compile(r'<([^>]+)>\s*;\s*rel="?https://api\.w\.org/"?')


@dataclass(frozen=True)
class _Page:
    items: list[dict[str, Any]]
    total_pages: int | None
    total_items: int | None  # X-WP-Total: the collection's size


def api_root(fetched: Fetched) -> str | None:
    """The REST API root an HTML page of a WordPress site advertises (Link header, or `<link rel="https://api.w.org/">`
    in its head), or the URL itself when it *is* an API root (its JSON lists the `wp/v2` namespace); None otherwise.
    A feed is never a site, even though WordPress sends the same Link header with its feeds."""
    if "json" in fetched.content_type:
        try:
            index = json.loads(fetched.body)
        except ValueError:
            return None
        return fetched.source if isinstance(index, dict) and "wp/v2" in index.get("namespaces", []) else None
    if not looks_like_html(fetched):
        return None
    header = _LINK_HEADER.search(fetched.headers.get("link", ""))
    if header:
        return urljoin(fetched.source, header.group(1))
    link = BeautifulSoup(fetched.body[:200_000], "html.parser").find("link", rel=API_REL)
    return urljoin(fetched.source, str(link["href"])) if isinstance(link, Tag) and link.get("href") else None


def looks_like_html(fetched: Fetched) -> bool:
    head = fetched.body[:512].lstrip().lower()
    return "html" in fetched.content_type or head.startswith((b"<!doctype html", b"<html"))


def feed_link(fetched: Fetched) -> str:
    """The site's RSS feed: `<link rel="alternate" type="application/rss+xml">` in the page, else `/feed/`."""
    if looks_like_html(fetched):
        link = BeautifulSoup(fetched.body[:200_000], "html.parser").find("link", rel="alternate", type="application/rss+xml")
        if isinstance(link, Tag) and link.get("href"):
            return urljoin(fetched.source, str(link["href"]))
    return urljoin(fetched.source.rstrip("/") + "/", "feed/")


def collection_url(root: str, collection: str, page: int) -> str:
    """The URL of one page of a collection (`posts` or `pages`) under an API root; also `?rest_route=` roots."""
    query = urlencode({"per_page": PER_PAGE, "page": page, "_fields": ",".join(FIELDS)})
    if "rest_route=" in root:  # sites without pretty permalinks: https://site/?rest_route=/
        return f"{root.rstrip('/')}/wp/v2/{collection}&{query}"
    return f"{root.rstrip('/')}/wp/v2/{collection}?{query}"


def read_rest_api(
    root: str, source: str, fetch: Callable[[str], Fetched], max_pages: int, known: Mapping[str, Post], progress: ReadProgress | None = None
) -> FeedResult:
    """Posts and pages of the site whose API root is `root`, as one source named `source`.

    Raises RestApiUnavailableError when the first page of posts cannot be read as the REST API (the caller reads the
    feed then). A later failure makes the read partial: what was read is kept, nothing is retired.
    `progress(read, total)` follows each page: items read so far, of the collections' `X-WP-Total` known so far."""
    posts: dict[str, Post] = {}
    skipped: list[SkippedItem] = []
    complete, pages = True, 0
    totals: dict[str, int] = {}
    for collection in COLLECTIONS:
        page, total, counted = 1, None, False  # counted: the server sends X-WP-TotalPages
        while total is None or page <= total:
            if page > max_pages:
                skipped.append(SkippedItem(source, f"{collection} page {page}", f"stopped after {max_pages} pages (limit)"))
                complete = False
                break
            try:
                result = _read_page(fetch, collection_url(root, collection, page))
            except (FeedFetchError, FeedParseError) as exc:
                if collection == "posts" and page == 1:
                    raise RestApiUnavailableError(f"{source}: the REST API is not usable ({exc})") from exc
                if page > 1 and "HTTP 400" in str(exc) and not counted:
                    break  # past the last page, on a server that sends no X-WP-TotalPages
                skipped.append(SkippedItem(source, f"{collection} page {page}", str(exc)))
                complete = False
                break
            pages += 1
            counted = result.total_pages is not None
            total = result.total_pages if result.total_pages is not None else (page + 1 if result.items else page)
            for item in result.items:
                _add(item, source, known, posts, skipped)
            if result.total_items is not None:
                totals[collection] = result.total_items
            if progress is not None:
                progress(len(posts) + len(skipped), sum(totals.values()))
            page += 1
    if not posts and not skipped:
        raise FeedParseError(f"{source}: the site's REST API lists no posts or pages")
    unreadable = frozenset(i for s in skipped for i in s.ids)
    return FeedResult(source, tuple(posts.values()), tuple(skipped), pages, complete, "rest-api", unreadable=unreadable)


def _read_page(fetch: Callable[[str], Fetched], url: str) -> _Page:
    fetched = fetch(url)
    try:
        items = json.loads(fetched.body)
    except ValueError as exc:
        raise FeedParseError(f"{url}: not JSON ({exc})") from exc
    if not isinstance(items, list):
        raise FeedParseError(f"{url}: expected a JSON list of items, got {type(items).__name__}")
    pages, count = (fetched.headers.get(h, "").strip() for h in ("x-wp-totalpages", "x-wp-total"))
    return _Page([i for i in items if isinstance(i, dict)], int(pages) if pages.isdigit() else None, int(count) if count.isdigit() else None)


def _add(item: dict[str, Any], source: str, known: Mapping[str, Post], posts: dict[str, Post], skipped: list[SkippedItem]) -> None:
    try:
        post = known.get(item_hash(item)) or item_to_post(item)
    except FeedParseError as exc:
        label = f"{item.get('type', 'item')} {item.get('id', '?')}"
        skipped.append(SkippedItem(source, label, str(exc), tuple(x for x in (_rendered(item, "guid"), str(item.get("link", ""))) if x)))
        return
    if post.key not in posts:
        posts[post.key] = post


def item_to_post(item: dict[str, Any]) -> Post:
    """One REST API post or page as a Post; raises FeedParseError naming what is missing."""
    url, title = str(item.get("link", "")).strip(), plain_text(_rendered(item, "title"))
    raw_content = item.get("content")
    content: dict[str, Any] = raw_content if isinstance(raw_content, dict) else {}
    if not title:
        raise FeedParseError("no title")
    if not is_url(url):
        raise FeedParseError("no link to the post")
    if content.get("protected"):
        raise FeedParseError("password-protected: a reader without the password sees nothing")
    body = clean_html(str(content.get("rendered") or _rendered(item, "excerpt")), url)
    if body.is_empty:
        raise FeedParseError("no readable text in the content")
    return Post(
        guid=unescape(_rendered(item, "guid")).strip() or url,
        url=url,
        slug=slug_of(url),
        title=title,
        author="",
        published=_gmt(item.get("date_gmt")),
        updated=_gmt(item.get("modified_gmt")),
        categories=(),
        sections=body.sections,
        faqs=body.faqs,
        takeaways=body.takeaways,
        references=body.references,
        source_hash=item_hash(item),
    )


def item_hash(item: dict[str, Any]) -> str:
    """A hash of everything of an item that ends up in a Post (modified_gmt included): equal hash, equal post."""
    payload = {k: item.get(k) for k in FIELDS} | {"cleaner": CLEANER_VERSION}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _rendered(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return str(value.get("rendered", "")) if isinstance(value, dict) else str(value or "")


def _gmt(value: Any) -> str | None:
    return f"{value}+00:00" if isinstance(value, str) and value else None
