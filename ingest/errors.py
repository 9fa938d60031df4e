"""Errors raised while reading feeds.

IngestError
├── FeedFetchError      the source could not be read (missing file, network, HTTP status, size, timeout)
├── FeedParseError      the bytes are not a usable feed (malformed XML, HTML page, no valid items)
└── RestApiUnavailableError   a WordPress site's REST API cannot be used (the site's feed is read instead)
"""


class IngestError(Exception):
    """Root of every error the ingest package raises."""


class FeedFetchError(IngestError):
    """A source could not be read."""


class FeedParseError(IngestError):
    """A source was read but holds no usable feed."""


class RestApiUnavailableError(IngestError):
    """A site advertises no usable REST API (disabled, blocked, not WordPress): its feed is read instead."""
