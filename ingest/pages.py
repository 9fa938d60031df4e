"""Excerpt-only feeds: read each post's own page and extract its article body with trafilatura.

WordPress's "For each post in a feed, include: Summary" setting puts only an excerpt in `<description>`
(55 words and ` [&hellip;]` by default; themes write "Read more" or "Continue reading"). The post's page holds
the article, wrapped in the site's navigation, sidebars and footer; trafilatura (a maintained main-content
extractor) keeps the article and its structure (headings, lists, bold). Hidden elements are removed first with
the same rules as feed content (ingest.html), so an excerpt-only feed hides nothing more than a full one. Pages
are fetched with the feed's timeouts and size limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

from ingest.errors import FeedParseError
from ingest.fetch import Fetched, FetchLimits, fetch_url, http_client
from ingest.html import visible_soup

_ELLIPSIS_END = re.compile(r"(\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)$")
# Themes end an excerpt with a link, often followed by the title for screen readers: look at the tail, not the end
_MORE_LINK = re.compile(r"\b(?:continue reading|read more|keep reading|read the full (?:post|article))\b", re.I)
_TAGS = re.compile(r"<[^>]+>")
_FOOTER = re.compile(r"The post .{1,300} appeared first on .{1,200}$", re.S | re.I)


def is_excerpt_only(entry: Any) -> bool:
    """True when an entry has no full content and its summary ends the way WordPress ends an excerpt
    (` [&hellip;]`, an ellipsis) or carries a theme's "Continue reading" / "Read more" link near its end."""
    if entry.get("content"):
        return False
    visible = " ".join(unescape(_TAGS.sub(" ", str(entry.get("summary", "")))).split())
    visible = _FOOTER.sub("", visible).strip()
    return bool(_ELLIPSIS_END.search(visible) or _MORE_LINK.search(visible[-150:]))


class PageReader:
    """Fetches post pages (one HTTP client, opened on first use) and returns their article as HTML."""

    def __init__(self, limits: FetchLimits, fetch: Callable[[str], Fetched] | None = None) -> None:
        self.limits = limits
        self._fetch = fetch
        self._client: Any = None
        self.fetched = 0

    def article_html(self, url: str) -> str:
        """The article body of the page at `url`, as HTML; FeedFetchError or FeedParseError when there is none."""
        fetched = self._get(url)
        self.fetched += 1
        visible = str(visible_soup(fetched.body))
        import trafilatura  # ~0.3 s of imports, needed only by excerpt-only feeds

        article = trafilatura.extract(
            visible, url=url, output_format="html", include_comments=False, include_formatting=True, include_links=True, favor_precision=True
        )
        if not article:
            raise FeedParseError(f"{url}: no article text found on the post's page")
        return str(article)

    def _get(self, url: str) -> Fetched:
        if self._fetch is None:
            self._client = http_client(self.limits)
            client = self._client
            self._fetch = lambda u: fetch_url(client, u, self.limits)
        return self._fetch(url)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
