"""Shared fixtures: the real embedding model, a sample index built once per run, isolated state."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from index import Embedder, IndexStore, IngestOptions, run_ingest
from settings import SAMPLE_FEED
from tests.httpserver import FeedServer

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the developer's ./var."""
    monkeypatch.setenv("SOFTREBOOT_DATA_DIR", str(tmp_path / "state"))


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A data directory holding the index of the bundled sample feed, built once per test run."""
    data_dir = tmp_path_factory.mktemp("sample-index")
    run_ingest([str(SAMPLE_FEED)], IndexStore(data_dir), embedder, IngestOptions())
    return data_dir


@pytest.fixture
def sample_copy(sample_data_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the sample data directory, for tests that change it."""
    target = tmp_path / "data"
    shutil.copytree(sample_data_dir, target)
    return target


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture(scope="session")
def assistant(sample_data_dir: Path, embedder: Embedder):
    from chatbot.assistant import Assistant

    return Assistant.load(IndexStore(sample_data_dir), embedder)


def conversation(assistant, turns: list[str]) -> list:
    """Ask `turns` one after another as one conversation (each reply goes into the history); the answers, in order."""
    from chatbot.types import Message

    history: list[Message] = []
    answers = []
    for turn in turns:
        answer = assistant.ask(turn, history)
        answers.append(answer)
        history += [Message(role="user", content=turn), Message(role="assistant", content=answer.text)]
    return answers


class LiveServer:
    """The real app served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, app: object) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def make_service(assistant, data_dir: Path, rate_limit: int = 0):
    from conversations import MemoryStore
    from web.service import ChatService, RateLimiter

    return ChatService(assistant, MemoryStore(), IndexStore(data_dir), IngestOptions(), [str(SAMPLE_FEED)], RateLimiter(rate_limit))


STAFF_USER, STAFF_PASSWORD = "staff", "correct horse battery staple"


def make_app(service, embed_origins: list[str] | None = None):
    from web.auth import StaffCredentials, hash_password
    from web.server import create_app

    staff = StaffCredentials(STAFF_USER, hash_password(STAFF_PASSWORD))
    return create_app(service, embed_origins=embed_origins or ["http://localhost:*", "http://127.0.0.1:*"], staff=staff)
