"""Ingest: read sources, chunk what changed, embed only new text, publish a new version atomically."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from index.embedder import Embedder
from index.errors import IndexStoreError
from index.manifest import version_manifest
from index.store import IndexStore
from index.sync import RetiredPost, SyncPlan, plan_sync, previous_origin
from index.version import IndexVersion, VersionData, VersionHead, read_head
from ingest import Chunk, Chunker, ChunkingConfig, FeedResult, FetchLimits, IngestError, Post, SkippedItem, read_source
from ingest.feed import DEFAULT_MAX_PAGES
from ingest.types import post_key

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total); total is 0 while unknown
STAGE_UNITS = {"reading the sources": "posts", "chunking": "posts", "embedding": "texts", "publishing": ""}
"""What each stage of `run_ingest` counts, in the order the stages come."""
EMBED_BATCH = 256


@dataclass
class IngestReport:
    """What an ingest did, for the one-line summary and the staff console."""

    sources: list[str]
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    kept: int = 0  # in the index, missing from its source's read, but kept (partial read, source not read, --keep-missing)
    retired: list[RetiredPost] = field(default_factory=list)  # gone from a complete read of their source
    skipped: list[SkippedItem] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # sources that could not be read at all
    warnings: list[str] = field(default_factory=list)  # e.g. bad bytes replaced in a feed
    partial: list[str] = field(default_factory=list)  # sources read only partly: nothing of theirs was retired
    chunks_embedded: int = 0
    texts_embedded: int = 0
    version: str | None = None
    published: bool = False
    seconds: float = 0.0

    def summary_line(self) -> str:
        where = f"published {self.version}" if self.published else f"index unchanged ({self.version or 'none'})"
        return (
            f"posts: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, {len(self.skipped)} skipped"
            f"{f', {self.kept} kept' if self.kept else ''}{f', {len(self.retired)} retired' if self.retired else ''}"
            f" | chunks embedded: {self.chunks_embedded} | {where} | {self.seconds:.1f} s"
            f"{f' | {len(self.failures)} source(s) failed' if self.failures else ''}"
            f"{f' | {len(self.partial)} source(s) read partly, nothing retired from them' if self.partial else ''}"
            f"{f' | {len(self.warnings)} warning(s)' if self.warnings else ''}"
            f"{f' | retired: {self.retired_names()}' if self.retired else ''}"
        )

    def retired_names(self, limit: int = 5) -> str:
        """The retired posts by title and URL, the first `limit` of them."""
        names = "; ".join(f"{r.title!r} <{r.url}>" for r in self.retired[:limit])
        return names + (f"; and {len(self.retired) - limit} more" if len(self.retired) > limit else "")


@dataclass(frozen=True)
class IngestOptions:
    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    index_factory: str = "Flat"  # FAISS index_factory string; exact inner product at this size
    keep_missing: bool = False  # keep posts missing from a complete read (a feed that is only a window)
    limits: FetchLimits = field(default_factory=FetchLimits)
    max_pages: int = DEFAULT_MAX_PAGES


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
        step("reading the sources", 0, 0)
        head = _current_head(store, embedder)  # manifest + posts only: an unchanged source loads no vectors
        results = _read_sources(sources, options, head, report, step)
        plan = _plan(head, results, sources, options.keep_missing, report)
        if _nothing_to_do(head, options, report):
            report.seconds = time.perf_counter() - started
            return report
        previous = _previous_version(store, embedder)  # verified in full; an older version if the current is corrupt
        if (previous.name if previous else None) != (head.name if head else None):
            plan = _plan(previous, results, sources, options.keep_missing, report)
            if _nothing_to_do(previous, options, report):
                report.seconds = time.perf_counter() - started
                return report
        posts = plan.posts
        same_chunking = previous is not None and previous.manifest.get("chunking") == options.chunking.to_dict()
        step("chunking", 0, len(posts))
        chunker = Chunker(options.chunking, embedder.count_tokens)
        chunks = _chunks_for(posts, previous if same_chunking else None, chunker, report)
        step("chunking", len(posts), len(posts))
        data = _embed(posts, chunks, previous, embedder, report, progress)
        manifest = version_manifest(embedder, options, results, previous, data, plan)
        step("publishing", 0, 0)
        report.version = store.publish(manifest, data, options.index_factory)
        report.published = True
    report.seconds = time.perf_counter() - started
    return report


def _current_head(store: IndexStore, embedder: Embedder) -> VersionHead | None:
    name = store.current_name()
    if name is None:
        return None
    try:
        return read_head(store.versions_dir / name, embedder.name, embedder.dimension)
    except IndexStoreError:
        return None  # the full load below says why, and rolls back


def _nothing_to_do(previous: VersionHead | IndexVersion | None, options: IngestOptions, report: IngestReport) -> bool:
    """No new, changed or retired post, and the same chunking: the current version stays."""
    report.version = previous.name if previous else None
    same_chunking = previous is not None and previous.manifest.get("chunking") == options.chunking.to_dict()
    return previous is not None and same_chunking and not (report.new or report.changed or report.retired)


def _previous_version(store: IndexStore, embedder: Embedder) -> IndexVersion | None:
    if not store.exists():
        return None
    try:
        version, _problems = store.load_serving(embedder.name, embedder.dimension)
    except IndexStoreError as exc:
        log.warning("the current index cannot be reused (%s): building from the feed alone", exc)
        return None
    return version


def _read_sources(sources: Sequence[str], options: IngestOptions, previous: VersionHead | None, report: IngestReport, step: Progress) -> list[FeedResult]:
    """Each source in turn; `step("reading the sources", read, total)` counts posts over all sources (total: 0 while
    a source does not say how many it has)."""
    known = {p.source_hash: p for p in previous.posts} if previous else {}
    results: list[FeedResult] = []
    for source in sources:
        before = sum(len(r.posts) + len(r.skipped) for r in results)

        def progress(read: int, total: int, before: int = before) -> None:
            step("reading the sources", before + read, before + total if total else 0)

        try:
            result = read_source(source, options.limits, options.max_pages, known, progress)
        except IngestError as exc:
            report.failures.append(str(exc))
            continue
        results.append(result)
        report.skipped += result.skipped
        report.warnings += result.warnings
    if not any(r.posts for r in results):
        problems = "; ".join(report.failures + [f"{s.item}: {s.reason}" for s in report.skipped][:5])
        raise IngestError(f"nothing usable was read, the index is unchanged: {problems or 'no posts'}")
    return results


def _plan(
    previous: VersionHead | IndexVersion | None, results: Sequence[FeedResult], sources: Sequence[str], keep_missing: bool, report: IngestReport
) -> SyncPlan:
    all_complete = len(results) == len(sources) and all(r.complete for r in results)
    plan = plan_sync(previous.posts if previous else (), previous_origin(previous.manifest) if previous else {}, results, all_complete, keep_missing)
    report.new, report.changed, report.unchanged, report.kept, report.retired = plan.new, plan.changed, plan.unchanged, plan.kept, plan.retired
    report.partial = [r.source for r in results if not r.complete]
    return plan


def _chunks_for(posts: Sequence[Post], reusable: IndexVersion | None, chunker: Chunker, report: IngestReport) -> list[Chunk]:
    old_chunks: dict[str, list[Chunk]] = defaultdict(list)
    old_hash = {}
    if reusable is not None:
        for chunk in reusable.chunks:
            old_chunks[post_key(chunk.post_guid, chunk.url)].append(chunk)
        old_hash = {p.key: p.source_hash for p in reusable.posts}
    chunks: list[Chunk] = []
    for post in posts:
        if old_hash.get(post.key) == post.source_hash and old_chunks.get(post.key):
            chunks += old_chunks[post.key]
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
