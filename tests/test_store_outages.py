"""No turn lost and no patient left without a chat when the database is away: turns buffered through
a read-only spell are written once it ends; shutdown flushes, and a loss is logged and counted;
`serve` starts and answers (crisis card included) with the database down, and says so on /readyz."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event

from conversations import BufferedStore, StoreError, Turn
from conversations.redact import PatternRedactor
from conversations.sql import SqlStore
from tests.conftest import PROJECT
from tests.test_deploy import free_port


def turn(question: str) -> Turn:
    return Turn("c", question, "reply", "answered", id=uuid.uuid4().hex)


def read_only_switch(store: SqlStore) -> dict[str, bool]:
    """Connections opened while `switch["on"]` is set are read-only for good, as SQLite's are when
    the file could not be opened for writing."""
    switch = {"on": False}

    @event.listens_for(store.engine, "connect")
    def _read_only(dbapi_connection: object, _record: object) -> None:
        if switch["on"]:
            dbapi_connection.execute("PRAGMA query_only=ON")  # type: ignore[attr-defined]

    return switch


def test_turns_buffered_through_a_read_only_spell_are_written_when_it_ends(tmp_path: Path) -> None:
    inner = SqlStore(f"sqlite:///{tmp_path / 'c.db'}")
    switch = read_only_switch(inner)
    switch["on"] = True
    inner.engine.dispose()
    store = BufferedStore(inner, PatternRedactor(), retry_s=0.05)
    for i in range(3):
        store.record_turn(turn(f"question {i}"))
    time.sleep(0.5)
    assert store.buffered == 3 and not store.healthy()[0]
    switch["on"] = False
    assert store.flush(10), store.healthy()
    assert [t.question for t in inner.turns("c")] == ["question 0", "question 1", "question 2"]
    store.close()


def test_shutdown_flushes_and_a_loss_is_logged_and_counted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    inner = SqlStore(f"sqlite:///{tmp_path / 'c.db'}")
    switch = read_only_switch(inner)
    store = BufferedStore(inner, PatternRedactor(), retry_s=0.05)
    store.record_turn(turn("written before shutdown"))
    assert store.flush(5)
    switch["on"] = True
    inner.engine.dispose()
    time.sleep(0.2)
    store.record_turn(turn("never written"))
    store.record_turn(turn("never written either"))
    with caplog.at_level(logging.ERROR):
        store.close(timeout_s=0.5)
    assert store.dropped == 2 and store.buffered == 0
    assert any("2 conversation write(s) not stored" in r.getMessage() for r in caplog.records)
    assert [t.question for t in SqlStore(f"sqlite:///{tmp_path / 'c.db'}").turns("c")] == ["written before shutdown"]


def test_a_store_that_cannot_start_keeps_trying(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with pytest.raises(StoreError):
        SqlStore(f"sqlite:///{blocker / 'c.db'}")
    waiting = SqlStore(f"sqlite:///{blocker / 'c.db'}", wait_for_database=True)
    assert not waiting.healthy()[0]
    blocker.unlink()
    assert waiting.healthy()[0]
    waiting.record_turn(turn("after the outage"))
    assert [t.question for t in waiting.turns("c")] == ["after the outage"]


@pytest.mark.slow  # starts a process
def test_serve_starts_and_answers_with_the_database_down(sample_data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SOFTREBOOT_DATA_DIR": str(sample_data_dir),
        "SOFTREBOOT_PORT": str(port),
        "SOFTREBOOT_HOST": "127.0.0.1",
        "SOFTREBOOT_REDACTION": "patterns",
        "SOFTREBOOT_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none?connect_timeout=1",
    }
    log_file = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "app.py", "serve"], cwd=PROJECT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 180
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                ready = httpx.get(f"{url}/readyz", timeout=10)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(1)
        body = ready.json()
        assert body["status"] == "degraded" and not body["store"]["ok"]
        reply = httpx.post(f"{url}/api/ask", json={"question": "i want to end my life tonight"}, timeout=60).json()
        assert reply["route"] == "crisis" and reply["crisis_resources"] and "988" in reply["answer"]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log_file.close()
