"""Errors raised while reading feeds.

IngestError
├── FeedFetchError      the source could not be read (missing file, network, HTTP status, size, timeout)
└── FeedParseError      the bytes are not a usable feed (malformed XML, HTML page, no valid items)
"""


class IngestError(Exception):
    """Root of every error the ingest package raises."""


class FeedFetchError(IngestError):
    """A source could not be read."""


class FeedParseError(IngestError):
    """A source was read but holds no usable feed."""
