"""Sync: a complete read retires the posts gone from the site; a partial read retires nothing (issue 15, kind 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatbot.assistant import Assistant
from cli.ingest import EXIT_OK, EXIT_PARTIAL, ingest_command
from index import Embedder, IndexStore, IngestOptions, run_ingest
from ingest import FetchLimits
from settings import Settings
from tests import feeds
from tests.httpserver import FeedServer, Reply

PROMOTION = feeds.item(
    "new-patient-special",
    title="New patient special",
    html="<p>For new patients, the first ketamine infusion costs $299 this month.</p><p>The $299 new-patient price ends on June 30.</p>",
)
PROMOTION_QUESTION = "Is there a $299 price for the first infusion for new patients?"


def others(n: int = 3) -> list[str]:
    return [feeds.item(f"post-{i}", topic=f"topic {i}") for i in range(n)]


def serve_pages(server: FeedServer, *pages: list[str], fail_page: int | None = None) -> str:
    for number, items in enumerate(pages, start=1):
        path = "/feed/" if number == 1 else f"/feed/?paged={number}"
        server.routes[path] = Reply(500, b"oops", {"Content-Type": "text/html"}) if number == fail_page else Reply(200, feeds.rss(*items))
    return f"{server.base}/feed/"


def load(data_dir: Path, embedder: Embedder):
    return IndexStore(data_dir).load_current(embedder.name, embedder.dimension)


def test_deleted_promotion_is_retired_on_a_complete_read_and_no_longer_answered(feed_server: FeedServer, tmp_path: Path, embedder: Embedder) -> None:
    data = tmp_path / "d"
    url = serve_pages(feed_server, [PROMOTION, *others(2)], others(5)[2:])
    first = run_ingest([url], IndexStore(data), embedder)
    assert first.new == 6
    assert "299" in Assistant.load(IndexStore(data), embedder).ask(PROMOTION_QUESTION).text
    serve_pages(feed_server, others(2), others(5)[2:])  # the clinic deleted the promotion
    second = run_ingest([url], IndexStore(data), embedder)
    assert [r.title for r in second.retired] == ["New patient special"] and second.published and second.chunks_embedded == 0
    assert "retired: 'New patient special' <https://clinic.test/new-patient-special/>" in second.summary_line()
    answer = Assistant.load(IndexStore(data), embedder).ask(PROMOTION_QUESTION)
    assert "299" not in answer.text and all("special" not in c.url for c in answer.citations)
    manifest = load(data, embedder).manifest
    assert manifest["retired"] == [{"title": "New patient special", "url": "https://clinic.test/new-patient-special/", "source": url}]
    assert manifest["sources"][0]["kind"] == "feed" and manifest["sources"][0]["complete"] is True


def test_a_partial_read_retires_nothing(feed_server: FeedServer, tmp_path: Path, embedder: Embedder) -> None:
    data = tmp_path / "d"
    url = serve_pages(feed_server, others(3), [PROMOTION, *others(5)[3:]])
    run_ingest([url], IndexStore(data), embedder)
    serve_pages(feed_server, others(3), others(5)[3:], fail_page=2)  # page 2 fails: the promotion's absence proves nothing
    report = run_ingest([url], IndexStore(data), embedder)
    assert report.retired == [] and report.partial == [url] and report.kept == 3 and not report.published
    assert "new-patient-special" in {p.slug for p in load(data, embedder).posts}
    assert "299" in Assistant.load(IndexStore(data), embedder).ask(PROMOTION_QUESTION).text
    assert ingest_command(Settings(data_dir=data), [url], show_progress=False, embedder=embedder) == EXIT_PARTIAL


def test_a_source_that_times_out_loses_none_of_its_posts(
    feed_server: FeedServer, tmp_path: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: `ingest --prune A B` with B timing out published a version without any of B's posts (exit 3)."""
    data = tmp_path / "d"
    feed_server.routes["/a.xml"] = Reply(200, feeds.rss(*others(2)))
    feed_server.routes["/b.xml"] = Reply(200, feeds.rss(PROMOTION))
    a, b = f"{feed_server.base}/a.xml", f"{feed_server.base}/b.xml"
    settings = Settings(data_dir=data, fetch_timeout_s=1)
    assert ingest_command(settings, [a, b], show_progress=False, embedder=embedder) == EXIT_OK
    feed_server.routes["/b.xml"] = Reply(200, feeds.rss(PROMOTION), delay_s=3)
    feed_server.routes["/a.xml"] = Reply(200, feeds.rss(feeds.item("post-0")))  # a complete read of A without post-1
    assert ingest_command(settings, [a, b], show_progress=False, embedder=embedder) == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert "timed out" in err and "retired: 'Topic 1'" in err
    assert {p.slug for p in load(data, embedder).posts} == {"post-0", "new-patient-special"}


def test_keep_missing_keeps_posts_gone_from_a_window_feed(tmp_path: Path, embedder: Embedder) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(feeds.rss(PROMOTION, *others(2)))
    run_ingest([str(feed)], IndexStore(tmp_path / "d"), embedder)
    feed.write_bytes(feeds.rss(*others(2)))
    kept = run_ingest([str(feed)], IndexStore(tmp_path / "d"), embedder, IngestOptions(keep_missing=True))
    assert kept.kept == 1 and kept.retired == [] and not kept.published


def test_a_post_seen_but_unreadable_is_not_retired(tmp_path: Path, embedder: Embedder) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(feeds.rss(PROMOTION, *others(2)))
    run_ingest([str(feed)], IndexStore(tmp_path / "d"), embedder)
    broken = feeds.item("new-patient-special", title="New patient special", html="<script>only a script now</script>")
    feed.write_bytes(feeds.rss(broken, *others(2)))
    report = run_ingest([str(feed)], IndexStore(tmp_path / "d"), embedder)
    assert report.retired == [] and report.kept == 1 and len(report.skipped) == 1


def test_posts_of_a_source_not_read_this_time_are_kept(tmp_path: Path, embedder: Embedder) -> None:
    a, b = tmp_path / "a.xml", tmp_path / "b.xml"
    a.write_bytes(feeds.rss(*others(2)))
    b.write_bytes(feeds.rss(PROMOTION))
    run_ingest([str(a), str(b)], IndexStore(tmp_path / "d"), embedder)
    report = run_ingest([str(a)], IndexStore(tmp_path / "d"), embedder)
    assert report.retired == [] and report.kept == 1
    manifest = load(tmp_path / "d", embedder).manifest
    assert {p["source"] for p in manifest["posts"].values()} == {str(a), str(b)}
    assert json.dumps(manifest)  # still plain JSON


def test_limits_do_not_count_as_complete(feed_server: FeedServer, tmp_path: Path, embedder: Embedder) -> None:
    url = serve_pages(feed_server, others(2), [PROMOTION, *others(4)[2:]])
    run_ingest([url], IndexStore(tmp_path / "d"), embedder)
    report = run_ingest([url], IndexStore(tmp_path / "d"), embedder, IngestOptions(max_pages=1, limits=FetchLimits()))
    assert report.partial == [url] and report.retired == [] and report.kept == 3


def test_the_staff_reingest_retires_and_shows_the_retired_post(tmp_path: Path, embedder: Embedder) -> None:
    import time

    from tests.conftest import make_service

    feed = tmp_path / "feed.xml"
    feed.write_bytes(feeds.rss(PROMOTION, *others(2)))
    data = tmp_path / "d"
    run_ingest([str(feed)], IndexStore(data), embedder)
    service = make_service(Assistant.load(IndexStore(data), embedder), data)
    feed.write_bytes(feeds.rss(*others(2)))
    assert service.start_reingest([str(feed)])
    while service.job.running:
        time.sleep(0.05)
    assert service.job.report is not None and [r.title for r in service.job.report.retired] == ["New patient special"]
    assert service.readiness()["index"]["retired"][0]["url"] == "https://clinic.test/new-patient-special/"
    assert "299" not in service.assistant.ask(PROMOTION_QUESTION).text


def test_an_unchanged_source_loads_no_vectors(tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """The unchanged re-sync reads the manifest and posts only (0.12 s instead of 2.2 s for 1,050 posts here)."""
    from index import build

    feed = tmp_path / "feed.xml"
    feed.write_bytes(feeds.rss(*others(2)))
    run_ingest([str(feed)], IndexStore(tmp_path / "d"), embedder)

    def no_full_load(*args: object) -> None:
        raise AssertionError("vectors loaded for an unchanged source")

    monkeypatch.setattr(build, "_previous_version", no_full_load)
    report = run_ingest([str(feed)], IndexStore(tmp_path / "d"), embedder)
    assert report.unchanged == 2 and not report.published
