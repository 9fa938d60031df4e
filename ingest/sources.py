"""One entry point for every kind of source: a feed file, a feed URL, or a WordPress site (REST API).

An http(s) source is fetched once. A feed is read as a feed (page by page). An HTML page or an API index that
advertises the WordPress REST API is read as a site: posts and pages through the API, or — when the API is
disabled or blocked — through the site's feed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping

from ingest.feed import DEFAULT_MAX_PAGES, read_feed, read_pages
from ingest.fetch import Fetched, FetchLimits, fetch_url, http_client, is_url
from ingest.pages import PageReader
from ingest.types import FeedResult, Post, ReadProgress
from ingest.wordpress import RestApiUnavailableError, api_root, feed_link, read_rest_api

log = logging.getLogger(__name__)


def read_source(
    source: str,
    limits: FetchLimits | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    known: Mapping[str, Post] | None = None,
    progress: ReadProgress | None = None,
) -> FeedResult:
    """Every post (and, for a WordPress site, every page) of `source`; raises IngestError when none is usable.

    `known` maps entry hashes to posts already parsed: an unchanged entry is not cleaned again. The result is
    named after `source` whatever was read in the end (API or feed), so the next read retires against it.
    `progress(read, total)` is called as posts are read: total is the site's own count (REST API: `X-WP-Total`)
    or 0 when a feed does not say."""
    limits = limits or FetchLimits()
    known = known or {}
    if not is_url(source):
        return read_feed(source, limits, max_pages, known, progress)
    with http_client(limits) as client:

        def fetch(url: str) -> Fetched:
            return fetch_url(client, url, limits)

        first = fetch(source)
        root = api_root(first)
        if root is None:
            return read_pages(source, fetch, max_pages, known, first_page=first, pages=PageReader(limits, fetch), progress=progress)
        try:
            return read_rest_api(root, source, fetch, max_pages, known, progress)
        except RestApiUnavailableError as exc:
            feed = feed_link(first)
            log.warning("%s; reading the feed %s instead", exc, feed)
            result = read_pages(feed, fetch, max_pages, known, pages=PageReader(limits, fetch), progress=progress)
            note = f"{source}: REST API not usable, read the feed {feed} instead"
            return dataclasses.replace(result, source=source, warnings=(*result.warnings, note))
