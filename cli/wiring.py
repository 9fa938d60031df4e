"""Build the product's objects from Settings, in one place."""

from __future__ import annotations

from pathlib import Path

from index import IndexStore, IngestOptions
from ingest import ChunkingConfig, FetchLimits, is_url
from settings import Settings


def index_store(settings: Settings) -> IndexStore:
    return IndexStore(settings.data_dir, keep_versions=settings.keep_versions)


def ingest_options(settings: Settings, prune: bool = False) -> IngestOptions:
    return IngestOptions(
        chunking=ChunkingConfig(max_tokens=settings.chunk_max_tokens, overlap_tokens=settings.chunk_overlap_tokens),
        index_factory=settings.index_factory,
        prune=prune,
        limits=FetchLimits(timeout_s=settings.fetch_timeout_s, max_bytes=settings.fetch_max_bytes),
        max_pages=settings.feed_max_pages,
    )


def resolve_sources(sources: list[str] | None, settings: Settings) -> list[str]:
    """URLs as given; file paths made absolute so the manifest says exactly what was read."""
    chosen = sources or settings.feed_sources
    return [s if is_url(s) else str(Path(s).expanduser().resolve()) for s in chosen]
