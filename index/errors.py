"""Errors raised by the index package.

IndexStoreError
├── IndexNotFoundError      no published index under the data directory yet
├── IndexMismatchError      built with another embedding model, dimension or format version
├── IndexCorruptError       a file of the version is missing, truncated or altered (names the file)
└── IngestBusyError         another ingest holds the lock
"""


class IndexStoreError(Exception):
    """Root of every error the index package raises."""


class IndexNotFoundError(IndexStoreError):
    """No index has been published yet."""


class IndexMismatchError(IndexStoreError):
    """The index on disk does not match the configured model or format."""


class IndexCorruptError(IndexStoreError):
    """A file of an index version cannot be trusted."""


class IngestBusyError(IndexStoreError):
    """Another ingest is running against the same data directory."""
