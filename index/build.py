"""Ingest: read sources, chunk what changed, embed only new text, publish a new version atomically."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from index.embedder import Embedder
from index.errors import IndexStoreError
from index.store import IndexStore
from index.version import FORMAT_VERSION, IndexVersion, VersionData
from ingest import Chunk, Chunker, ChunkingConfig, FeedResult, FetchLimits, IngestError, Post, SkippedItem, read_feed

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
EMBED_BATCH = 256


@dataclass
class IngestReport:
    """What an ingest did, for the one-line summary and the staff console."""

    sources: list[str]
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    kept: int = 0  # in the index but not in this feed window: kept
    pruned: int = 0
    skipped: list[SkippedItem] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # sources that could not be read at all
    chunks_embedded: int = 0
    texts_embedded: int = 0
    version: str | None = None
    published: bool = False
    seconds: float = 0.0

    def summary_line(self) -> str:
        where = f"published {self.version}" if self.published else f"index unchanged ({self.version or 'none'})"
        return (
            f"posts: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, {len(self.skipped)} skipped"
            f"{f', {self.kept} kept' if self.kept else ''}{f', {self.pruned} pruned' if self.pruned else ''}"
            f" | chunks embedded: {self.chunks_embedded} | {where} | {self.seconds:.1f} s"
            f"{f' | {len(self.failures)} source(s) failed' if self.failures else ''}"
        )


@dataclass(frozen=True)
class IngestOptions:
    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    index_factory: str = "Flat"  # FAISS index_factory string; exact inner product at this size
    prune: bool = False  # drop posts that are no longer in the feed
    limits: FetchLimits = field(default_factory=FetchLimits)
    max_pages: int = 100


def run_ingest(
    sources: Sequence[str],
    store: IndexStore,
    embedder: Embedder,
    options: IngestOptions = IngestOptions(),
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest `sources` into `store`. Raises IngestError when nothing usable was read; the serving index is untouched then."""
    started = time.perf_counter()
    report = IngestReport(sources=list(sources))
    step = progress or (lambda stage, done, total: None)
    with store.ingest_lock():
        store.sweep_abandoned_builds()
        previous = _previous_version(store, embedder)
        step("reading the sources", 0, len(sources))
        results = _read_sources(sources, options, previous, report)
        posts = _merge_posts(previous, results, options.prune, report)
        report.version = previous.name if previous else None
        same_chunking = previous is not None and previous.manifest.get("chunking") == options.chunking.to_dict()
        if previous is not None and same_chunking and not (report.new or report.changed or report.pruned):
            report.seconds = time.perf_counter() - started
            return report
        step("chunking", 0, len(posts))
        chunker = Chunker(options.chunking, embedder.count_tokens)
        chunks = _chunks_for(posts, previous if same_chunking else None, chunker, report)
        data = _embed(posts, chunks, previous, embedder, report, progress)
        manifest = _manifest(embedder, options, results, previous, data)
        step("publishing", 0, 0)
        report.version = store.publish(manifest, data, options.index_factory)
        report.published = True
    report.seconds = time.perf_counter() - started
    return report


def _previous_version(store: IndexStore, embedder: Embedder) -> IndexVersion | None:
    if not store.exists():
        return None
    try:
        version, _problems = store.load_serving(embedder.name, embedder.dimension)
    except IndexStoreError as exc:
        log.warning("the current index cannot be reused (%s): building from the feed alone", exc)
        return None
    return version


def _read_sources(sources: Sequence[str], options: IngestOptions, previous: IndexVersion | None, report: IngestReport) -> list[FeedResult]:
    known = {p.source_hash: p for p in previous.posts} if previous else {}
    results = []
    for source in sources:
        try:
            result = read_feed(source, options.limits, options.max_pages, known)
        except IngestError as exc:
            report.failures.append(str(exc))
            continue
        results.append(result)
        report.skipped += result.skipped
    if not any(r.posts for r in results):
        problems = "; ".join(report.failures + [f"{s.item}: {s.reason}" for s in report.skipped][:5])
        raise IngestError(f"nothing usable was read, the index is unchanged: {problems or 'no posts'}")
    return results


def _merge_posts(previous: IndexVersion | None, results: Iterable[FeedResult], prune: bool, report: IngestReport) -> list[Post]:
    old = previous.posts_by_guid if previous else {}
    merged: dict[str, Post] = {}
    for result in results:
        for post in result.posts:
            if post.guid in merged:
                continue  # the same post from two sources: first source wins
            merged[post.guid] = post
            before = old.get(post.guid)
            if before is None:
                report.new += 1
            elif before.source_hash != post.source_hash:
                report.changed += 1
            else:
                report.unchanged += 1
    missing = [p for guid, p in old.items() if guid not in merged]
    if prune:
        report.pruned = len(missing)
    else:
        report.kept = len(missing)
        merged.update((p.guid, p) for p in missing)
    return list(merged.values())


def _chunks_for(posts: Sequence[Post], reusable: IndexVersion | None, chunker: Chunker, report: IngestReport) -> list[Chunk]:
    old_chunks: dict[str, list[Chunk]] = defaultdict(list)
    old_hash = {}
    if reusable is not None:
        for chunk in reusable.chunks:
            old_chunks[chunk.post_guid].append(chunk)
        old_hash = {p.guid: p.source_hash for p in reusable.posts}
    chunks: list[Chunk] = []
    for post in posts:
        if old_hash.get(post.guid) == post.source_hash and old_chunks.get(post.guid):
            chunks += old_chunks[post.guid]
        else:
            chunks += chunker.chunks(post)
    return chunks


class _VectorCache:
    """Vectors of the previous version by text: only text never embedded before goes to the model."""

    def __init__(self, previous: IndexVersion | None) -> None:
        self.vectors: dict[str, np.ndarray] = {}
        if previous is None:
            return
        offsets = previous.sentence_offsets
        for row, chunk in enumerate(previous.chunks):
            self.vectors[chunk.embed_text] = previous.chunk_vectors[row]
            if chunk.question:
                self.vectors[chunk.question] = previous.question_vectors[row]
            for i, (sentence, context) in enumerate(zip(chunk.sentences, chunk.sentence_contexts, strict=True)):
                self.vectors[sentence] = previous.sentence_vectors[offsets[row] + i]
                self.vectors[context] = previous.context_vectors[offsets[row] + i]

    def fill(self, texts: Iterable[str], embedder: Embedder, progress: Progress | None) -> int:
        missing = sorted({t for t in texts if t not in self.vectors}, key=len)
        for start in range(0, len(missing), EMBED_BATCH):
            batch = missing[start : start + EMBED_BATCH]
            self.vectors.update(zip(batch, embedder.encode(batch), strict=True))
            if progress:
                progress("embedding", min(start + EMBED_BATCH, len(missing)), len(missing))
        return len(missing)

    def stack(self, texts: Sequence[str], dim: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        return np.ascontiguousarray(np.stack([self.vectors[t] for t in texts]), dtype=np.float32)


def embedded_texts(chunks: Sequence[Chunk]) -> list[str]:
    """Every text an index version holds a vector for: chunks, sentences, sentences in context, FAQ questions."""
    return [
        *(c.embed_text for c in chunks),
        *(s for c in chunks for s in c.sentences),
        *(s for c in chunks for s in c.sentence_contexts),
        *(c.question for c in chunks if c.question),
    ]


def _embed(
    posts: Sequence[Post], chunks: Sequence[Chunk], previous: IndexVersion | None, embedder: Embedder, report: IngestReport, progress: Progress | None
) -> VersionData:
    cache = _VectorCache(previous)
    report.chunks_embedded = sum(1 for c in chunks if c.embed_text not in cache.vectors)
    report.texts_embedded = cache.fill(embedded_texts(chunks), embedder, progress)
    dim = embedder.dimension
    zero = np.zeros(dim, dtype=np.float32)
    questions = np.stack([cache.vectors[c.question] if c.question else zero for c in chunks]) if chunks else np.zeros((0, dim), np.float32)
    return VersionData(
        posts=tuple(posts),
        chunks=tuple(chunks),
        chunk_vectors=cache.stack([c.embed_text for c in chunks], dim),
        sentence_vectors=cache.stack([s for c in chunks for s in c.sentences], dim),
        question_vectors=np.ascontiguousarray(questions, dtype=np.float32),
        context_vectors=cache.stack([s for c in chunks for s in c.sentence_contexts], dim),
    )


def _manifest(embedder: Embedder, options: IngestOptions, results: Sequence[FeedResult], previous: IndexVersion | None, data: VersionData) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    sources = {s["source"]: s for s in (previous.manifest.get("sources", []) if previous else [])}
    sources.update({r.source: {"source": r.source, "posts": len(r.posts), "pages": r.pages, "read_at": now} for r in results})
    per_post: dict[str, int] = defaultdict(int)
    for chunk in data.chunks:
        per_post[chunk.post_guid] += 1
    return {
        "format_version": FORMAT_VERSION,
        "built_at": now,
        "embedding": {"model": embedder.name, "dimension": embedder.dimension, "max_seq_length": embedder.max_seq_length, "normalized": True},
        "index_factory": options.index_factory,
        "chunking": options.chunking.to_dict(),
        "sources": sorted(sources.values(), key=lambda s: s["source"]),
        "posts": {p.guid: {"url": p.url, "title": p.title, "source_hash": p.source_hash, "chunks": per_post[p.guid]} for p in data.posts},
        "counts": {
            "posts": len(data.posts),
            "chunks": len(data.chunks),
            "sentences": int(data.sentence_vectors.shape[0]),
            "faq_pairs": sum(1 for c in data.chunks if c.kind == "faq"),
        },
    }
