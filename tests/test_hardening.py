"""The smaller holes: purged text left in the write-ahead log, world-readable database files, the
cookie-only session twin over https, and `serve` dying with a traceback when no index can be read."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from chatbot.assistant import Assistant
from conversations import Turn
from conversations.sql import SqlStore
from tests.conftest import PROJECT, LiveServer, make_app, make_service
from tests.test_security import login


def test_purged_text_is_gone_from_every_database_file(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'c.db'}")
    old = datetime.now(UTC) - timedelta(days=200)
    store.record_turn(Turn("c", "zebra-orchid-secret question", "reply", "answered", created_at=old, id=uuid.uuid4().hex))
    assert store.purge(90) == 1
    for path in tmp_path.iterdir():
        assert b"zebra-orchid-secret" not in path.read_bytes(), path.name


def test_database_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'c.db'}")
    store.record_turn(Turn("c", "q", "reply", "answered", id=uuid.uuid4().hex))
    files = list(tmp_path.iterdir())
    assert any(p.name == "c.db" for p in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path.name} {oct(path.stat().st_mode)}"


def test_the_cookie_only_twin_does_not_open_the_console_over_https(assistant: Assistant, sample_data_dir: Path) -> None:
    with LiveServer(make_app(make_service(assistant, sample_data_dir))) as server, httpx.Client() as staff:
        url = server.url
        assert login(url, client=staff).status_code == 200
        unsecure = {k: v for k, v in staff.cookies.items() if k.startswith("access-token-unsecure")}
        assert unsecure
        https = {"X-Forwarded-Proto": "https", "Origin": url}
        assert httpx.post(f"{url}/staff/export.csv", cookies=unsecure, headers=https).status_code == 401
        assert httpx.get(f"{url}/staff/config", cookies=unsecure, headers=https).status_code == 401
        assert httpx.get(f"{url}/staff/config", cookies=unsecure).status_code == 200  # plain http (documented: use https)


@pytest.mark.slow  # starts a process
def test_serve_without_a_readable_index_says_so_without_a_traceback(sample_data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(sample_data_dir, data)
    for version in (data / "index" / "versions").iterdir():
        (version / "manifest.json").write_text("garbage")
    env = {**os.environ, "SOFTREBOOT_DATA_DIR": str(data), "SOFTREBOOT_PORT": "1", "SOFTREBOOT_REDACTION": "patterns"}
    proc = subprocess.run([sys.executable, "app.py", "serve"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "python app.py ingest" in proc.stderr and "988" in proc.stderr
