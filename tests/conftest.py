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


def read_jsonl(path: Path) -> list[dict]:
    import json

    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
