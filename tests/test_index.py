"""The index: incremental, self-describing, published atomically, never damaged by a failed or killed ingest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index import Embedder, IndexCorruptError, IndexMismatchError, IndexStore, IngestBusyError, IngestOptions, run_ingest
from index import version as version_module
from ingest import IngestError
from tests import feeds
from tests.conftest import PROJECT
from tests.httpserver import FeedServer, Reply


def ingest(data_dir: Path, embedder: Embedder, *sources: str, keep_missing: bool = False):
    return run_ingest(list(sources), IndexStore(data_dir), embedder, IngestOptions(keep_missing=keep_missing))


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_manifest_describes_the_index(sample_data_dir: Path, embedder: Embedder) -> None:
    store = IndexStore(sample_data_dir)
    manifest = store.current_manifest()
    assert manifest is not None
    assert manifest["format_version"] == version_module.FORMAT_VERSION
    assert manifest["embedding"] == {"model": embedder.name, "dimension": 384, "max_seq_length": 256, "normalized": True}
    assert manifest["chunking"]["max_tokens"] == 170 and manifest["index_factory"] == "Flat"
    assert manifest["counts"]["posts"] == 4 and manifest["counts"]["faq_pairs"] == 16
    assert manifest["sources"][0]["source"].endswith("sample-feed.xml")
    assert all(len(p["source_hash"]) == 64 for p in manifest["posts"].values())
    assert set(manifest["files"]) >= {"chunks.jsonl", "vectors.faiss", "chunk_vectors.npy", "posts.jsonl", "context_vectors.npy"}
    loaded = store.load_current(embedder.name, embedder.dimension)
    assert np.allclose(np.linalg.norm(loaded.chunk_vectors, axis=1), 1.0, atol=1e-4)
    assert loaded.faiss.ntotal == len(loaded.chunks)
    # one vector per sentence as read in place, in the same rows as the sentence vectors
    assert loaded.context_vectors.shape == loaded.sentence_vectors.shape == (manifest["counts"]["sentences"], 384)
    chunk = next(c for c in loaded.chunks if len(c.sentences) >= 2)
    row = int(loaded.sentence_offsets[loaded.chunks.index(chunk)]) + 1
    assert np.allclose(loaded.context_vectors[row], embedder.encode([chunk.sentence_contexts[1]])[0], atol=1e-4)


def test_a_sentence_is_read_under_its_heading_after_the_sentence_before() -> None:
    from ingest.types import Chunk

    chunk = Chunk("c", "g", "u", "Title", "Serotonin", "section", 0, "A b. C d.", ("The usual story is serotonin.", "That is incomplete."))
    assert chunk.sentence_contexts == ("Serotonin. The usual story is serotonin.", "Serotonin. The usual story is serotonin. That is incomplete.")


def test_an_index_of_an_older_format_is_refused_with_re_run_ingest(sample_copy: Path, embedder: Embedder) -> None:
    store = IndexStore(sample_copy)
    manifest_file = store.versions_dir / str(store.current_name()) / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest_file.write_text(json.dumps({**manifest, "format_version": version_module.FORMAT_VERSION - 1}))
    with pytest.raises(IndexMismatchError, match="re-run ingest"):
        store.load_current(embedder.name, embedder.dimension)


def test_unchanged_feed_embeds_nothing(sample_copy: Path, embedder: Embedder) -> None:
    from settings import SAMPLE_FEED

    before = IndexStore(sample_copy).current_name()
    report = ingest(sample_copy, embedder, str(SAMPLE_FEED))
    assert (report.unchanged, report.new, report.changed, report.chunks_embedded, report.published) == (4, 0, 0, 0, False)
    assert IndexStore(sample_copy).current_name() == before


def test_changed_post_reembeds_only_its_chunks(tmp_path: Path, embedder: Embedder) -> None:
    a, b = feeds.item("ride-home"), feeds.item("sgb-basics")
    first = ingest(tmp_path / "d", embedder, write(tmp_path, "v1.xml", feeds.rss(a, b)))
    edited = feeds.SECTION_HTML.format(topic="sgb basics", slug="sgb-basics").replace("closely.", "closely, with vital signs tracked.")
    changed_b = feeds.item("sgb-basics", html=edited)
    second = ingest(tmp_path / "d", embedder, write(tmp_path, "v2.xml", feeds.rss(a, changed_b)))
    assert (second.new, second.changed, second.unchanged) == (0, 1, 1)
    assert 0 < second.chunks_embedded < first.chunks_embedded
    assert second.chunks_embedded == 1  # only the edited section's chunk


def test_posts_missing_from_a_window_feed_are_kept_with_keep_missing(tmp_path: Path, embedder: Embedder) -> None:
    ingest(tmp_path / "d", embedder, write(tmp_path, "feed.xml", feeds.rss(feeds.item("old-post"), feeds.item("new-post"))))
    window = write(tmp_path, "feed.xml", feeds.rss(feeds.item("new-post")))
    kept = ingest(tmp_path / "d", embedder, window, keep_missing=True)
    assert kept.kept == 1 and not kept.retired and not kept.published
    retired = ingest(tmp_path / "d", embedder, window)
    assert [r.title for r in retired.retired] == ["Old Post"] and retired.published
    version = IndexStore(tmp_path / "d").load_current(embedder.name, embedder.dimension)
    assert [p.slug for p in version.posts] == ["new-post"]


def test_wordpress_pages_are_followed_to_the_last(feed_server: FeedServer, tmp_path: Path, embedder: Embedder) -> None:
    pages = [[feeds.item(f"post-{p}-{i}") for i in range(3)] for p in range(3)]
    feed_server.routes["/feed/"] = Reply(200, feeds.rss(*pages[0]))
    feed_server.routes["/feed/?paged=2"] = Reply(200, feeds.rss(*pages[1]))
    feed_server.routes["/feed/?paged=3"] = Reply(200, feeds.rss(*pages[2]))
    report = ingest(tmp_path / "d", embedder, f"{feed_server.base}/feed/")
    assert report.new == 9
    assert feed_server.requests == ["/feed/", "/feed/?paged=2", "/feed/?paged=3", "/feed/?paged=4"]  # page 4: 404, the end


def test_a_server_that_ignores_paged_does_not_loop(feed_server: FeedServer, tmp_path: Path, embedder: Embedder) -> None:
    body = feeds.rss(feeds.item("only-post"))
    feed_server.routes["/feed/"] = Reply(200, body)
    feed_server.routes["/feed/?paged=2"] = Reply(200, body)
    assert ingest(tmp_path / "d", embedder, f"{feed_server.base}/feed/").new == 1
    assert len(feed_server.requests) == 2


def test_loading_an_index_of_another_model_is_a_clear_error(sample_copy: Path, embedder: Embedder) -> None:
    with pytest.raises(IndexMismatchError, match="configured model is other-model"):
        IndexStore(sample_copy).load_current("other-model", 384)


def test_corrupted_file_is_named_and_serving_rolls_back(tmp_path: Path, embedder: Embedder) -> None:
    ingest(tmp_path / "d", embedder, write(tmp_path, "one.xml", feeds.rss(feeds.item("first"))))
    ingest(tmp_path / "d", embedder, write(tmp_path, "two.xml", feeds.rss(feeds.item("second"))))
    store = IndexStore(tmp_path / "d")
    current = store.versions_dir / str(store.current_name())
    faiss_file = current / "vectors.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])  # truncated
    with pytest.raises(IndexCorruptError, match=str(faiss_file)):
        store.load_current(embedder.name, embedder.dimension)
    version, problems = store.load_serving(embedder.name, embedder.dimension)
    assert version.name < current.name and "vectors.faiss" in problems[0]
    assert [p.slug for p in version.posts] == ["first"]


def test_failure_while_writing_leaves_the_current_version(tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest(tmp_path / "d", embedder, write(tmp_path, "one.xml", feeds.rss(feeds.item("first"))))
    store = IndexStore(tmp_path / "d")
    before = store.current_name()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(version_module.faiss, "write_index", disk_full)
    with pytest.raises(Exception, match="No space left on device"):
        ingest(tmp_path / "d", embedder, write(tmp_path, "two.xml", feeds.rss(feeds.item("second"))))
    assert store.current_name() == before
    assert not list(store.versions_dir.glob(".building-*"))
    assert [p.slug for p in store.load_current(embedder.name, embedder.dimension).posts] == ["first"]


@pytest.mark.slow  # starts a process
def test_ingest_killed_mid_build_leaves_a_loadable_index(tmp_path: Path, embedder: Embedder) -> None:
    data_dir = tmp_path / "d"
    ingest(data_dir, embedder, write(tmp_path, "one.xml", feeds.rss(feeds.item("first"))))
    store = IndexStore(data_dir)
    before = store.current_name()
    big = write(tmp_path, "big.xml", feeds.rss(*(feeds.item(f"post-{i}") for i in range(150))))
    env = {**os.environ, "SOFTREBOOT_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "app.py", "ingest", big], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(store.versions_dir.glob(".building-*")) and proc.poll() is None:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert store.current_name() == before
    assert [p.slug for p in store.load_current(embedder.name, embedder.dimension).posts] == ["first"]
    report = ingest(data_dir, embedder, big)
    assert report.published and report.new == 150
    assert not list(store.versions_dir.glob(".building-*"))


def test_second_concurrent_ingest_is_refused(tmp_path: Path, embedder: Embedder) -> None:
    store = IndexStore(tmp_path / "d")
    with store.ingest_lock(), pytest.raises(IngestBusyError, match="another ingest is running"):
        ingest(tmp_path / "d", embedder, write(tmp_path, "one.xml", feeds.rss(feeds.item("first"))))


def test_nothing_usable_raises_and_publishes_nothing(tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(IngestError, match="nothing usable"):
        ingest(tmp_path / "d", embedder, write(tmp_path, "empty.xml", feeds.rss()))
    assert not IndexStore(tmp_path / "d").exists()


@pytest.mark.slow  # starts a process
def test_cli_prints_one_summary_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "cli"
    proc = subprocess.run(
        [sys.executable, "app.py", "ingest", "--data-dir", str(data_dir), "--no-progress"], cwd=PROJECT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("posts: 4 new, 0 changed, 0 unchanged, 0 skipped")
    assert "chunks embedded: 73" in lines[0] and "published v" in lines[0]
    assert json.loads((data_dir / "index" / "versions" / (data_dir / "index" / "CURRENT").read_text().strip() / "manifest.json").read_text())
