"""Chunk -> vectors -> FAISS + BM25 + manifest, published atomically, loaded read-only."""

from index.build import STAGE_UNITS, IngestOptions, IngestReport, embedded_texts, run_ingest
from index.embedder import MODEL_NAME, Embedder
from index.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError, IndexStoreError, IngestBusyError
from index.lexical import LexicalIndex
from index.store import IndexStore
from index.version import FORMAT_VERSION, IndexVersion

__all__ = [
    "FORMAT_VERSION",
    "MODEL_NAME",
    "STAGE_UNITS",
    "Embedder",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexNotFoundError",
    "IndexStore",
    "IndexStoreError",
    "IndexVersion",
    "IngestBusyError",
    "IngestOptions",
    "IngestReport",
    "LexicalIndex",
    "embedded_texts",
    "run_ingest",
]
