"""Errors raised by the conversations package.

StoreError      the store cannot be read or written (database down or unreachable, locked, full,
                a bad database URL, a data directory that cannot hold the SQLite file)
"""


class StoreError(Exception):
    """Root of every error the conversations package raises: the store cannot be read or written."""
