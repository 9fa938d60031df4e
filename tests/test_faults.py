"""Faults: the database down or gone, a re-ingest while serving, a corrupt index at start-up.
(Ingest killed mid-build, a disk full while writing, and a hanging feed URL are in test_index.py
and test_ingest_bad_input.py.)"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from chatbot.assistant import Assistant
from conversations import BufferedStore
from conversations.redact import PatternRedactor
from conversations.sql import SqlStore
from index import Embedder, IndexStore
from tests.conftest import LiveServer, make_app, make_service
from tests.test_store import FlakyStore


def test_answers_and_crisis_cards_continue_while_the_database_is_down(assistant: Assistant, sample_data_dir: Path, tmp_path: Path) -> None:
    flaky = FlakyStore(SqlStore(f"sqlite:///{tmp_path / 'c.db'}"))
    service = make_service(assistant, sample_data_dir)
    service.store = BufferedStore(flaky, PatternRedactor(), retry_s=0.05)
    client = TestClient(make_app(service))
    assert client.post("/api/ask", json={"question": "What is SGB?"}).json()["route"] == "answered"
    crisis = client.post("/api/ask", json={"question": "I took all my pills"}).json()
    assert crisis["route"] == "crisis" and crisis["crisis_resources"]
    time.sleep(0.2)
    ready = client.get("/readyz").json()
    assert ready["status"] == "degraded" and not ready["store"]["ok"] and ready["store"]["buffered_writes"] == 2
    assert "connection refused" in ready["store"]["detail"]
    flaky.down = False  # the database comes back: nothing was lost
    assert service.store.flush(5)  # type: ignore[attr-defined]
    assert len(flaky.inner.export()) == 2 and client.get("/readyz").json()["status"] == "ready"


def test_the_database_file_deleted_under_a_running_app(assistant: Assistant, sample_data_dir: Path, tmp_path: Path) -> None:
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    service = make_service(assistant, sample_data_dir)
    service.store = BufferedStore(SqlStore(f"sqlite:///{db_dir / 'c.db'}"), PatternRedactor(), retry_s=0.05)
    client = TestClient(make_app(service))
    shutil.rmtree(db_dir)  # gone, directory and all
    assert client.get("/readyz").json()["status"] == "degraded"
    assert client.post("/api/ask", json={"question": "What is KAP?"}).json()["route"] == "answered"
    assert service.store.flush(5)  # type: ignore[attr-defined]
    assert [t.question for t in service.store.export()] == ["What is KAP?"]  # type: ignore[attr-defined]  (in a new database)
    ready = client.get("/readyz").json()
    assert "recreated" in ready["store"]["detail"] and ready["status"] == "ready"  # said, but no longer degraded


def test_reingest_while_serving_fails_no_request(assistant: Assistant, sample_copy: Path, embedder: Embedder, tmp_path: Path) -> None:
    from tests import feeds

    service = make_service(Assistant.load(IndexStore(sample_copy), embedder), sample_copy)
    extra = tmp_path / "new.xml"
    extra.write_bytes(feeds.rss(feeds.item("parking-and-directions", topic="Parking and directions")))
    failures: list[str] = []
    statuses: list[int] = []
    stop = threading.Event()
    with LiveServer(make_app(service)) as live:

        def hammer() -> None:
            with httpx.Client(base_url=live.url, timeout=30) as http:
                while not stop.is_set():
                    response = http.post("/api/ask", json={"question": "What is SGB?"})
                    statuses.append(response.status_code)
                    if response.status_code != 200 or response.json()["route"] != "answered":
                        failures.append(response.text[:200])
                    stop.wait(0.25)  # patients, not a flood: the re-ingest runs at a lower priority and needs some idle CPU

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        before = service.assistant.version.name
        while not statuses:  # the hammer is answering before the re-ingest starts
            time.sleep(0.05)
        assert service.start_reingest([str(extra)])
        deadline = time.monotonic() + 300
        while service.job.running and time.monotonic() < deadline:
            time.sleep(0.1)
        switched = len(statuses)
        deadline = time.monotonic() + 60
        while len(statuses) < switched + 6 and time.monotonic() < deadline:  # and keeps answering after the switch
            time.sleep(0.05)
        stop.set()
        for t in threads:
            t.join()
    assert service.job.error == "" and service.job.report is not None and service.job.report.published
    assert service.assistant.version.name != before  # the new version is served without a restart
    assert len(statuses) >= switched + 6 and failures == []
    assert any(p.slug == "parking-and-directions" for p in service.assistant.version.posts)
    # it ran in its own process, at a lower priority, with one torch thread: serving comes first (web/ingest_worker.py)
    assert service.job.worker["pid"] != os.getpid()
    assert service.job.worker["nice"] >= min(19, os.nice(0) + 10) and service.job.worker["torch_threads"] == 1


def test_a_failed_reingest_leaves_the_served_index(assistant: Assistant, sample_copy: Path, embedder: Embedder, tmp_path: Path) -> None:
    service = make_service(Assistant.load(IndexStore(sample_copy), embedder), sample_copy)
    before = service.assistant.version.name
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel><item><title>nope")
    assert service.start_reingest([str(broken)])
    while service.job.running:
        time.sleep(0.05)
    assert "nothing usable" in service.job.error and service.assistant.version.name == before


def test_a_corrupt_current_index_rolls_back_and_says_so(sample_copy: Path, embedder: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through `serve`'s own wiring (cli.serve.build_service): the test only corrupts the index and reads /readyz."""
    import cli.serve
    from cli.wiring import load_assistant
    from index import IngestOptions, run_ingest
    from settings import Settings
    from tests import feeds

    feed = tmp_path / "f.xml"
    feed.write_bytes(feeds.rss(feeds.item("another-post")))
    run_ingest([str(feed)], IndexStore(sample_copy), embedder, IngestOptions())
    store = IndexStore(sample_copy)
    current = store.versions_dir / str(store.current_name())
    (current / "chunk_vectors.npy").write_bytes(b"\x93NUMPY garbage")
    monkeypatch.setattr(cli.serve, "load_assistant", lambda settings: load_assistant(settings, embedder))  # the session's model, loaded once
    service = cli.serve.build_service(Settings(data_dir=sample_copy, database_url=None, redaction="patterns"))
    try:
        assert service.assistant.version.name != current.name  # rolled back to the previous good version
        ready = TestClient(make_app(service)).get("/readyz").json()
        assert ready["status"] == "degraded" and current.name in str(ready["index"]["rolled_back_from"])
    finally:
        service.store.close()


def test_metrics_count_routes_crises_and_the_index_version(assistant: Assistant, sample_data_dir: Path) -> None:
    client = TestClient(make_app(make_service(assistant, sample_data_dir)))
    client.post("/api/ask", json={"question": "What is SGB?"})
    client.post("/api/ask", json={"question": "i want to kill myself"})
    body = client.get("/metrics").text
    assert 'faq_replies_total{route="answered",surface="api"} 1.0' in body
    assert "faq_crisis_referrals_total 1.0" in body
    assert f'faq_index_info{{version="{assistant.version.name}"}} 1.0' in body
    assert "faq_answer_seconds_bucket" in body


@pytest.mark.parametrize("question", ["i want to die", "What is KAP?"])
def test_logs_carry_no_message_text_by_default(assistant: Assistant, sample_data_dir: Path, question: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="web.service")
    client = TestClient(make_app(make_service(assistant, sample_data_dir)))
    client.post("/api/ask", json={"question": question})
    records = [r for r in caplog.records if r.name == "web.service" and r.getMessage() == "reply"]
    assert records and all(question not in str(r.__dict__) for r in records)
    assert records[0].__dict__["route"] in ("crisis", "answered")
