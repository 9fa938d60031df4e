"""One immutable index version: vectors, FAISS, BM25, chunks and posts, described by manifest.json.

Nothing here unpickles: vectors are .npy (allow_pickle=False), FAISS uses its own format,
BM25 is bm25s' json + npy, records are JSON lines.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.errors import IndexCorruptError, IndexMismatchError
from index.lexical import LexicalIndex
from ingest.jsonl import read_jsonl
from ingest.types import Chunk, Post

FORMAT_VERSION = 2  # 2: context_vectors.npy
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
POSTS = "posts.jsonl"
CHUNK_VECTORS = "chunk_vectors.npy"
SENTENCE_VECTORS = "sentence_vectors.npy"
QUESTION_VECTORS = "question_vectors.npy"
CONTEXT_VECTORS = "context_vectors.npy"
FAISS_FILE = "vectors.faiss"
BM25_DIR = "bm25"


@dataclass(frozen=True)
class VersionData:
    """What a version holds, in memory; rows of the vector arrays follow `chunks` order."""

    posts: tuple[Post, ...]
    chunks: tuple[Chunk, ...]
    chunk_vectors: np.ndarray  # (n_chunks, dim)
    sentence_vectors: np.ndarray  # (sum of len(chunk.sentences), dim), chunk by chunk
    question_vectors: np.ndarray  # (n_chunks, dim): the FAQ question's vector, zeros for other kinds
    context_vectors: np.ndarray  # like sentence_vectors, each sentence read in place (Chunk.sentence_contexts)


class IndexVersion:
    """A loaded, read-only index version."""

    def __init__(self, path: Path, manifest: dict[str, Any], data: VersionData, faiss_index: faiss.Index, lexical: LexicalIndex) -> None:
        self.path = path
        self.name = path.name
        self.manifest = manifest
        self.posts = data.posts
        self.chunks = data.chunks
        self.chunk_vectors = data.chunk_vectors
        self.sentence_vectors = data.sentence_vectors
        self.question_vectors = data.question_vectors
        self.context_vectors = data.context_vectors
        self.faiss = faiss_index
        self.lexical = lexical

    @cached_property
    def sentence_offsets(self) -> np.ndarray:
        """Row of each chunk's first sentence in `sentence_vectors` (length n_chunks + 1)."""
        counts = [len(c.sentences) for c in self.chunks]
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    @cached_property
    def posts_by_guid(self) -> dict[str, Post]:
        return {p.guid: p for p in self.posts}

    def summary(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "version": self.name,
            "built_at": m["built_at"],
            "model": m["embedding"]["model"],
            "posts": m["counts"]["posts"],
            "chunks": m["counts"]["chunks"],
            "sources": m["sources"],
            "retired": m.get("retired", []),  # posts this version removed: gone from a complete read of their source
        }


def write_version(path: Path, manifest: dict[str, Any], data: VersionData, index_factory: str) -> None:
    """Write every file of a version into `path` (a fresh directory), fsynced, manifest last."""
    path.mkdir(parents=True)
    _write_jsonl(path / POSTS, (p.to_dict() for p in data.posts))
    _write_jsonl(path / CHUNKS, (c.to_dict() for c in data.chunks))
    arrays = (
        (CHUNK_VECTORS, data.chunk_vectors),
        (SENTENCE_VECTORS, data.sentence_vectors),
        (QUESTION_VECTORS, data.question_vectors),
        (CONTEXT_VECTORS, data.context_vectors),
    )
    for name, array in arrays:
        with open(path / name, "wb") as f:
            np.save(f, array, allow_pickle=False)
    faiss.write_index(build_faiss(data.chunk_vectors, index_factory), str(path / FAISS_FILE))
    LexicalIndex.build([c.embed_text for c in data.chunks]).save(path / BM25_DIR)
    files = sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        fsync_path(file)
    manifest = {
        **manifest,
        "files": {str(f.relative_to(path)): _sha256(f) for f in files},
        "sizes": {str(f.relative_to(path)): f.stat().st_size for f in files},
    }
    (path / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    fsync_path(path / MANIFEST)
    fsync_path(path / BM25_DIR)
    fsync_path(path)


def build_faiss(vectors: np.ndarray, index_factory: str) -> faiss.Index:
    dim = vectors.shape[1]
    index = faiss.index_factory(dim, index_factory, faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        index.train(vectors)
    index.add(vectors)
    return index


def read_manifest(path: Path) -> dict[str, Any]:
    file = path / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(file.read_text())
    except FileNotFoundError as exc:
        raise IndexCorruptError(f"{file}: missing (the version was never completed)") from exc
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{file}: unreadable ({exc})") from exc
    return manifest


def check_compatible(manifest: dict[str, Any], model: str, dimension: int, where: Path) -> None:
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(f"{where}: index format {manifest.get('format_version')}, this program reads format {FORMAT_VERSION}; re-run ingest")
    emb = manifest.get("embedding", {})
    if emb.get("model") != model or emb.get("dimension") != dimension:
        raise IndexMismatchError(
            f"{where}: built with {emb.get('model')} ({emb.get('dimension')} dims), configured model is {model} ({dimension} dims); re-run ingest"
        )


@dataclass(frozen=True)
class VersionHead:
    """A version's manifest and posts, without its vectors: enough for ingest to see that nothing changed."""

    name: str
    manifest: dict[str, Any]
    posts: tuple[Post, ...]


def read_head(path: Path, model: str, dimension: int) -> VersionHead:
    """Manifest and posts of the version at `path`, in a fraction of a full load (no vectors read or hashed).

    posts.jsonl is checked against its sha256 and every other file for presence and size; IndexStoreError
    (corrupt or mismatched) otherwise. A same-size alteration of a vector file is left to the full load,
    which verifies every hash and rolls back."""
    manifest = read_manifest(path)
    check_compatible(manifest, model, dimension, path)
    sizes = manifest.get("sizes", {})
    for name in manifest.get("files", {}):
        file = path / name
        if not file.is_file() or (name in sizes and file.stat().st_size != sizes[name]):
            raise IndexCorruptError(f"{file}: missing or not the size the manifest records")
    if _sha256(path / POSTS) != manifest.get("files", {}).get(POSTS):
        raise IndexCorruptError(f"{path / POSTS}: contents do not match the manifest")
    return VersionHead(path.name, manifest, tuple(Post.from_dict(d) for d in _read_jsonl(path / POSTS)))


def load_version(path: Path, model: str, dimension: int, verify: bool = True) -> IndexVersion:
    """Load a version read-only. Any missing, truncated or altered file is an IndexCorruptError naming it."""
    manifest = read_manifest(path)
    check_compatible(manifest, model, dimension, path)
    if verify:
        verify_files(path, manifest)
    try:
        posts = tuple(Post.from_dict(d) for d in _read_jsonl(path / POSTS))
        chunks = tuple(Chunk.from_dict(d) for d in _read_jsonl(path / CHUNKS))
        data = VersionData(posts, chunks, *(_load_npy(path / n) for n in (CHUNK_VECTORS, SENTENCE_VECTORS, QUESTION_VECTORS, CONTEXT_VECTORS)))
        index = _read_faiss(path / FAISS_FILE)
        lexical = LexicalIndex.load(path / BM25_DIR, len(chunks))
    except IndexCorruptError:
        raise
    except Exception as exc:  # any library's parse error means the same thing here
        raise IndexCorruptError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from exc
    _check_shapes(path, data, index, dimension)
    return IndexVersion(path, manifest, data, index, lexical)


def verify_files(path: Path, manifest: dict[str, Any]) -> None:
    for name, digest in manifest.get("files", {}).items():
        file = path / name
        if not file.is_file():
            raise IndexCorruptError(f"{file}: missing")
        if _sha256(file) != digest:
            raise IndexCorruptError(f"{file}: contents do not match the manifest (truncated or altered)")


def _check_shapes(path: Path, data: VersionData, index: faiss.Index, dimension: int) -> None:
    n = len(data.chunks)
    n_sentences = sum(len(c.sentences) for c in data.chunks)
    checks = [
        (CHUNK_VECTORS, data.chunk_vectors.shape == (n, dimension)),
        (SENTENCE_VECTORS, data.sentence_vectors.shape == (n_sentences, dimension)),
        (QUESTION_VECTORS, data.question_vectors.shape == (n, dimension)),
        (CONTEXT_VECTORS, data.context_vectors.shape == (n_sentences, dimension)),
        (FAISS_FILE, index.ntotal == n and index.d == dimension),
    ]
    for name, ok in checks:
        if not ok:
            raise IndexCorruptError(f"{path / name}: row count or dimension does not match {CHUNKS}")


def _read_faiss(file: Path) -> faiss.Index:
    if not file.is_file():
        raise IndexCorruptError(f"{file}: missing")
    return faiss.read_index(str(file))


def _load_npy(file: Path) -> np.ndarray:
    try:
        return np.load(file, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{file}: unreadable ({exc})") from exc


def _write_jsonl(file: Path, rows: Iterable[dict[str, Any]]) -> None:
    with open(file, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(file: Path) -> list[dict[str, Any]]:
    try:
        return read_jsonl(file)
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{file}: unreadable ({exc})") from exc


def _sha256(file: Path) -> str:
    h = hashlib.sha256()
    with open(file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fsync_path(path: Path) -> None:
    """Flush a file or a directory entry to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
