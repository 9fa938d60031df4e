"""Build the product's objects from Settings, in one place."""

from __future__ import annotations

import sys
from pathlib import Path

from chatbot.assistant import Assistant, AssistantConfig
from chatbot.generate import GeneratorConfig, make_generator
from conversations import BufferedStore, make_redactor
from conversations.sql import SqlStore
from index import Embedder, IndexStore, IngestOptions, run_ingest
from ingest import ChunkingConfig, FetchLimits, is_url
from settings import SAMPLE_FEED, Settings


def index_store(settings: Settings) -> IndexStore:
    return IndexStore(settings.data_dir, keep_versions=settings.keep_versions)


def ingest_options(settings: Settings, keep_missing: bool = False) -> IngestOptions:
    return IngestOptions(
        chunking=ChunkingConfig(max_tokens=settings.chunk_max_tokens, overlap_tokens=settings.chunk_overlap_tokens),
        index_factory=settings.index_factory,
        keep_missing=keep_missing,
        limits=FetchLimits(timeout_s=settings.fetch_timeout_s, max_bytes=settings.fetch_max_bytes),
        max_pages=settings.feed_max_pages,
    )


def resolve_sources(sources: list[str] | None, settings: Settings) -> list[str]:
    """URLs as given; file paths made absolute so the manifest says exactly what was read."""
    chosen = sources or settings.feed_sources
    return [s if is_url(s) else str(Path(s).expanduser().resolve()) for s in chosen]


def conversation_store(settings: Settings) -> BufferedStore:
    """SQL store (SQLite in the data directory by default), migrated, behind the redacting write buffer."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqlStore(settings.conversation_db_url(), wait_for_database=True)  # answers never wait for the database
    return BufferedStore(store, make_redactor(settings.redaction), max_buffer=settings.store_buffer)


def ensure_index(settings: Settings, embedder: Embedder) -> None:
    """`ask` without an index builds one from the bundled sample first, saying so on stderr."""
    store = index_store(settings)
    if store.exists():
        return
    print(f"no index under {settings.data_dir}: building one from the bundled sample feed first", file=sys.stderr)
    report = run_ingest([str(SAMPLE_FEED)], store, embedder, ingest_options(settings))
    print(report.summary_line(), file=sys.stderr)


def assistant_config(settings: Settings) -> AssistantConfig:
    return AssistantConfig(max_question_chars=settings.max_question_chars, generator_judge=settings.generator_judge)


def generator_config(settings: Settings) -> GeneratorConfig:
    return GeneratorConfig(
        name=settings.generator,
        model=settings.generator_model,
        base_url=settings.generator_base_url,
        api_key=settings.generator_api_key,
        timeout_s=settings.generator_timeout_s,
        max_tokens=settings.generator_max_tokens,
    )


def load_assistant(settings: Settings, embedder: Embedder | None = None) -> Assistant:
    embedder = embedder or Embedder()
    ensure_index(settings, embedder)
    generator = make_generator(generator_config(settings))  # GeneratorError: a clear message at the edge
    return Assistant.load(index_store(settings), embedder, assistant_config(settings), generator)
