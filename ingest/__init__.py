"""Feed -> Post -> Chunk. Imports nothing from `index` or `chatbot`."""

from ingest.chunk import Chunker, ChunkingConfig
from ingest.entry import slug_of
from ingest.errors import FeedFetchError, FeedParseError, IngestError
from ingest.feed import parse_feed, read_feed
from ingest.fetch import FetchLimits, is_url
from ingest.jsonl import read_jsonl
from ingest.sources import read_source
from ingest.types import Chunk, FaqPair, FeedResult, Post, Reference, Section, SkippedItem

__all__ = [
    "Chunk",
    "Chunker",
    "ChunkingConfig",
    "FaqPair",
    "FeedFetchError",
    "FeedParseError",
    "FeedResult",
    "FetchLimits",
    "IngestError",
    "Post",
    "Reference",
    "Section",
    "SkippedItem",
    "is_url",
    "parse_feed",
    "read_feed",
    "read_jsonl",
    "read_source",
    "slug_of",
]
