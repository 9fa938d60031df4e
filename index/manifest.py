"""manifest.json of a new version: what it was built from and with, every post's source, what was retired."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from index.sync import SyncPlan
from index.version import FORMAT_VERSION, IndexVersion, VersionData
from ingest import FeedResult

if TYPE_CHECKING:
    from index.build import IngestOptions
    from index.embedder import Embedder


def version_manifest(
    embedder: Embedder, options: IngestOptions, results: Sequence[FeedResult], previous: IndexVersion | None, data: VersionData, plan: SyncPlan
) -> dict[str, Any]:
    """The manifest: format, model, chunking, each source (kind, complete or partial, pages, warnings), each post
    (keyed by guid + link, with its source and content hash) and the posts this version retired."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    sources = {s["source"]: s for s in (previous.manifest.get("sources", []) if previous else [])}
    for r in results:
        sources[r.source] = {
            "source": r.source,
            "kind": r.kind,
            "complete": r.complete,
            "posts": len(r.posts),
            "pages": r.pages,
            "skipped": len(r.skipped),
            "warnings": list(r.warnings),
            "read_at": now,
        }
    per_post: dict[str, int] = defaultdict(int)
    for chunk in data.chunks:
        per_post[f"{chunk.post_guid} {chunk.url}"] += 1
    posts = {
        p.key: {"guid": p.guid, "url": p.url, "title": p.title, "source_hash": p.source_hash, "chunks": per_post[p.key], "source": plan.origin.get(p.key)}
        for p in data.posts
    }
    return {
        "format_version": FORMAT_VERSION,
        "built_at": now,
        "embedding": {"model": embedder.name, "dimension": embedder.dimension, "max_seq_length": embedder.max_seq_length, "normalized": True},
        "index_factory": options.index_factory,
        "chunking": options.chunking.to_dict(),
        "sources": sorted(sources.values(), key=lambda s: s["source"]),
        "posts": posts,
        "retired": [r.to_dict() for r in plan.retired],
        "counts": {
            "posts": len(data.posts),
            "chunks": len(data.chunks),
            "sentences": int(data.sentence_vectors.shape[0]),
            "faq_pairs": sum(1 for c in data.chunks if c.kind == "faq"),
        },
    }
