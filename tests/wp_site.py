"""A WordPress site served from 127.0.0.1 for tests: a home page that advertises its REST API, the API's
posts and pages collections in the REST API's own format (recorded pages in tests/data/wp/), and the RSS feed.

Formats follow WordPress core: `Link: <…/wp-json/>; rel="https://api.w.org/"` on every page; collections as JSON
lists with `X-WP-Total` / `X-WP-TotalPages`; `title`, `content`, `excerpt`, `guid` as `{"rendered": …}` objects;
`content.protected` for password-protected items; 400 `rest_post_invalid_page_number` past the last page.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.wordpress import PER_PAGE, collection_url
from tests import feeds
from tests.httpserver import FeedServer, Reply

RECORDED = Path(__file__).parent / "data" / "wp"
JSON = "application/json; charset=UTF-8"


def post_item(n: int, html: str | None = None, modified: str = "2026-05-13T04:00:00", title: str | None = None) -> dict[str, Any]:
    """One post as /wp/v2/posts returns it (the `_fields` the ingest asks for)."""
    slug = f"post-{n}"
    return {
        "id": 100 + n,
        "type": "post",
        "guid": {"rendered": f"https://clinic.test/?p={100 + n}"},
        "link": f"https://clinic.test/{slug}/",
        "date_gmt": "2026-05-13T04:00:00",
        "modified_gmt": modified,
        "title": {"rendered": title or f"Topic {n} &#8211; what to know"},
        "content": {"rendered": html or feeds.SECTION_HTML.format(topic=f"topic {n}", slug=slug), "protected": False},
        "excerpt": {"rendered": f"<p>Intro paragraph about topic {n}.</p>\n", "protected": False},
    }


def recorded_pages() -> list[dict[str, Any]]:
    return json.loads((RECORDED / "pages-1.json").read_text(encoding="utf-8"))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class WordPressSite:
    """Serves `posts` and `pages` through the REST API of `server` (and the feed at /feed/)."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.root = f"{server.base}/wp-json/"

    @property
    def url(self) -> str:
        return f"{self.server.base}/"

    def publish(self, posts: list[dict[str, Any]], pages: list[dict[str, Any]] | None = None, total_pages_header: bool = True) -> None:
        """Answer the home page, the API index and both collections (paged by `per_page`) with these items."""
        home = f'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="{self.server.base}/feed/"></head><body>Clinic</body></html>'
        self.server.routes["/"] = Reply(200, home.encode(), {"Content-Type": "text/html; charset=UTF-8", "Link": f'<{self.root}>; rel="https://api.w.org/"'})
        index = {"name": "Clinic", "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"], "routes": {}}
        self.server.routes["/wp-json/"] = Reply(200, json.dumps(index).encode(), {"Content-Type": JSON})
        for collection, items in (("posts", posts), ("pages", recorded_pages() if pages is None else pages)):
            self._collection(collection, items, total_pages_header)

    def _collection(self, collection: str, items: list[dict[str, Any]], total_pages_header: bool) -> None:
        total_pages = max(1, math.ceil(len(items) / PER_PAGE))
        for page in range(1, total_pages + 2):
            chunk = items[(page - 1) * PER_PAGE : page * PER_PAGE]
            path = path_of(collection_url(self.root, collection, page))
            if page > total_pages:
                error = {
                    "code": "rest_post_invalid_page_number",
                    "message": "The page number requested is larger than the number of pages available.",
                    "data": {"status": 400},
                }
                self.server.routes[path] = Reply(400, json.dumps(error).encode(), {"Content-Type": JSON})
                continue
            headers = {"Content-Type": JSON, "X-WP-Total": str(len(items))}
            if total_pages_header:
                headers["X-WP-TotalPages"] = str(total_pages)
            self.server.routes[path] = Reply(200, json.dumps(chunk).encode(), headers)

    def fail(self, collection: str, page: int, status: int = 500) -> None:
        self.server.routes[path_of(collection_url(self.root, collection, page))] = Reply(status, b"<html>Error</html>", {"Content-Type": "text/html"})

    def disable_api(self) -> None:
        """What the "Disable REST API" plugins answer to anonymous readers."""
        error = {"code": "rest_cannot_access", "message": "Only authenticated users can access the REST API.", "data": {"status": 401}}
        for path in list(self.server.routes):
            if path.startswith("/wp-json/wp/v2/"):
                self.server.routes[path] = Reply(401, json.dumps(error).encode(), {"Content-Type": JSON})

    def serve_feed(self, *items: str) -> None:
        self.server.routes["/feed/"] = Reply(200, feeds.rss(*items))
