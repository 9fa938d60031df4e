"""One entry point for every kind of source: a feed file, a feed URL, or a WordPress site (REST API)."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.feed import DEFAULT_MAX_PAGES, read_feed
from ingest.fetch import FetchLimits
from ingest.types import FeedResult, Post


def read_source(source: str, limits: FetchLimits | None = None, max_pages: int = DEFAULT_MAX_PAGES, known: Mapping[str, Post] | None = None) -> FeedResult:
    """Every post of `source`; raises IngestError when none is usable. `known` maps entry hashes to posts already parsed."""
    return read_feed(source, limits, max_pages, known)
