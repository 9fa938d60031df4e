"""Bad input ends with a clear message and a non-zero exit, and never touches the serving index."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cli.errors import at_the_edge
from cli.ingest import EXIT_FAILED, EXIT_OK, ingest_command
from index import Embedder, IndexStore
from settings import Settings
from tests import feeds
from tests.httpserver import FeedServer, Reply


def fingerprint(data_dir: Path) -> dict[str, str]:
    root = data_dir / "index"
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file() and p.name != "ingest.lock"}


def run(data_dir: Path, embedder: Embedder, *sources: str, limits: dict[str, float] | None = None) -> int:
    """`app.py ingest SOURCES` in process: the command behind the CLI's edge, which turns its errors into a message and an exit code."""
    settings = Settings(data_dir=data_dir, **(limits or {}))
    return at_the_edge("ingest", lambda: ingest_command(settings, list(sources), show_progress=False, embedder=embedder))


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


BROKEN_DOCUMENTS = {
    "malformed.xml": (b"<?xml version='1.0'?><rss><channel><item><title>Unclosed", "no usable posts"),
    "empty.xml": (feeds.rss(), "no usable posts"),
    "page.html": (b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>", "HTML page"),
    "zero-bytes.xml": (b"", "empty"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_DOCUMENTS))
def test_broken_feed_leaves_index_untouched(name: str, sample_copy: Path, embedder: Embedder, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content, message = BROKEN_DOCUMENTS[name]
    before = fingerprint(sample_copy)
    assert run(sample_copy, embedder, write(tmp_path, name, content)) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "ingest failed" in err and message in err and "index is unchanged" in err
    assert fingerprint(sample_copy) == before


def test_missing_file_is_a_clear_error(sample_copy: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(sample_copy, embedder, "/nonexistent/feed.xml") == EXIT_FAILED
    assert "/nonexistent/feed.xml: no such file" in capsys.readouterr().err


def test_broken_items_are_reported_and_good_ones_ingested(tmp_path: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]) -> None:
    no_title = feeds.item("untitled", title="")
    no_content = feeds.item("empty-body", html="")
    only_script = feeds.item("script-only", html="<script>alert(1)</script>")
    dup_a = feeds.item("infusions", guid="same")
    dup_b = feeds.item("infusions", guid="same")
    source = write(tmp_path, "mixed.xml", feeds.rss(feeds.item("good-post"), no_title, no_content, only_script, dup_a, dup_b))
    assert run(tmp_path / "d", embedder, source) == EXIT_OK
    out = capsys.readouterr()
    assert "no title" in out.err and "no content" in out.err and "no readable text" in out.err and "the same post twice (guid same" in out.err
    assert "2 new" in out.out and "4 skipped" in out.out
    version = IndexStore(tmp_path / "d").load_current(embedder.name, embedder.dimension)
    assert {p.slug for p in version.posts} == {"good-post", "infusions"}


def test_non_utf8_bytes_are_decoded(tmp_path: Path, embedder: Embedder) -> None:
    latin = feeds.rss(feeds.item("cafe", topic="Caf\u00e9 visits")).replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    latin = latin.decode("utf-8").encode("latin-1")
    assert run(tmp_path / "d", embedder, write(tmp_path, "latin.xml", latin)) == EXIT_OK
    mislabeled = feeds.rss(feeds.item("bytes", topic="Stray \xff byte")).replace("\xff".encode(), b"\xff")
    assert run(tmp_path / "e", embedder, write(tmp_path, "bad-utf8.xml", mislabeled)) == EXIT_OK
    version = IndexStore(tmp_path / "d").load_current(embedder.name, embedder.dimension)
    assert "Caf\u00e9 Visits" in version.posts[0].title


def test_atom_feeds_are_read(tmp_path: Path, embedder: Embedder) -> None:
    source = write(tmp_path, "atom.xml", feeds.atom(("Ride Home", "<p>You will need a ride home after each infusion.</p>")))
    assert run(tmp_path / "d", embedder, source) == EXIT_OK
    version = IndexStore(tmp_path / "d").load_current(embedder.name, embedder.dimension)
    assert version.chunks[0].text == "You will need a ride home after each infusion."


def test_huge_post_is_chunked_within_bounds(tmp_path: Path, embedder: Embedder) -> None:
    paragraph = "<p>" + " ".join(f"Infusion detail {i} is described here for patients." for i in range(40)) + "</p>"
    source = write(tmp_path, "huge.xml", feeds.rss(feeds.item("huge", html="<h2>Everything</h2>" + paragraph * 25)))
    assert run(tmp_path / "d", embedder, source) == EXIT_OK
    version = IndexStore(tmp_path / "d").load_current(embedder.name, embedder.dimension)
    assert len(version.chunks) > 50
    assert max(embedder.count_tokens(c.embed_text) for c in version.chunks) <= embedder.max_seq_length


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(404, b"gone", {"Content-Type": "text/html"}), "HTTP 404"),
        (Reply(500, b"oops", {"Content-Type": "text/html"}), "HTTP 500"),
        (Reply(200, b"<!doctype html><html><body>Not a feed</body></html>", {"Content-Type": "text/html"}), "HTML page"),
        (Reply(200, feeds.rss(feeds.item("late")), delay_s=3.0), "timed out after 1 s"),
    ],
    ids=["404", "500", "html", "timeout"],
)
def test_url_failures_leave_index_untouched(
    reply: Reply, message: str, feed_server: FeedServer, sample_copy: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.routes["/feed/"] = reply
    before = fingerprint(sample_copy)
    assert run(sample_copy, embedder, f"{feed_server.base}/feed/", limits={"fetch_timeout_s": 1.0}) == EXIT_FAILED
    assert message in capsys.readouterr().err
    assert fingerprint(sample_copy) == before


def test_fifty_megabyte_body_is_refused(feed_server: FeedServer, sample_copy: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]) -> None:
    def endless() -> object:
        yield feeds.rss()[:-20]
        for _ in range(50 * 1024):
            yield b"<!--" + b"x" * 1010 + b"-->"

    feed_server.routes["/big"] = Reply(200, endless)  # no Content-Length: the cap must hold while streaming
    before = fingerprint(sample_copy)
    assert run(sample_copy, embedder, f"{feed_server.base}/big", limits={"fetch_max_bytes": 5 * 1024 * 1024}) == EXIT_FAILED
    assert "over the 5,242,880-byte limit" in capsys.readouterr().err
    assert fingerprint(sample_copy) == before


def test_redirects_are_followed_but_bounded(feed_server: FeedServer, tmp_path: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]) -> None:
    feed_server.routes["/old-feed"] = Reply(301, b"", {"Location": "/feed/"})
    feed_server.routes["/feed/"] = Reply(200, feeds.rss(feeds.item("moved")))
    assert run(tmp_path / "d", embedder, f"{feed_server.base}/old-feed") == EXIT_OK
    feed_server.routes["/loop"] = Reply(302, b"", {"Location": "/loop"})
    assert run(tmp_path / "d", embedder, f"{feed_server.base}/loop") == EXIT_FAILED
    assert "redirects" in capsys.readouterr().err
