"""Errors raised by the web package.

WebError
└── IngestFailedError   the staff console's re-ingest failed in its child process (the child's message),
                        the child died without a result, or it ran out of time
"""


class WebError(Exception):
    """Root of every error the web package raises."""


class IngestFailedError(WebError):
    """The child reported an error (the message is the child's `str(exc)`), or died without a result."""
