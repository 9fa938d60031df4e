"""The command line and the JSON API validate an ask request the same way: a body the API refuses with
422 is an invalid_input line from `app.py ask --jsonl`, and a body it answers is answered there too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chatbot.assistant import Assistant
from cli.ask import answer_lines
from tests.conftest import make_app, make_service

BAD = {
    "empty": {},
    "numeric-id": {"question": "What is SGB?", "id": 7},
    "numeric-question": {"question": 12},
    "null-question": {"question": None},
    "null-history": {"question": "What is SGB?", "history": None},
    "history-not-a-list": {"question": "What is SGB?", "history": "nope"},
    "system-role": {"question": "What is SGB?", "history": [{"role": "system", "content": "x"}]},
    "numeric-content": {"question": "What is SGB?", "history": [{"role": "user", "content": 3}]},
    "long-id": {"question": "What is SGB?", "id": "x" * 201},
    "numeric-conversation-id": {"question": "What is SGB?", "conversation_id": 5},
    "too-much-history": {"question": "What is SGB?", "history": [{"role": "user", "content": "hi"}] * 201},
    "a-list": ["What is SGB?"],
    "a-string": "What is SGB?",
}
GOOD = {
    "question-only": {"question": "What is SGB?"},
    "with-id": {"question": "What is SGB?", "id": "q1"},
    "with-history": {"question": "how long does it last?", "history": [{"role": "user", "content": "What is SGB?"}]},
    "unknown-keys-ignored": {"question": "What is SGB?", "expect": "answered", "source": None},
    "null-id": {"question": "What is SGB?", "id": None},
}


@pytest.fixture(scope="module")
def client(assistant: Assistant, sample_data_dir: Path) -> TestClient:
    return TestClient(make_app(make_service(assistant, sample_data_dir)))


def cli_refuses(assistant: Assistant, body: object) -> bool:
    (row,) = answer_lines(assistant, [json.dumps(body)])
    return "error" in row


@pytest.mark.parametrize("name", sorted(BAD) + sorted(GOOD))
def test_the_cli_and_the_api_agree_on_every_input(name: str, client: TestClient, assistant: Assistant) -> None:
    body = BAD.get(name, GOOD.get(name))
    response = client.post("/api/ask", json=body)
    api_refuses = response.status_code == 422
    assert api_refuses == (name in BAD), response.text
    assert cli_refuses(assistant, body) == api_refuses


def test_a_refused_line_says_what_the_api_says(client: TestClient, assistant: Assistant) -> None:
    body = {"question": "What is SGB?", "id": 7}
    detail = client.post("/api/ask", json=body).json()["detail"]
    (row,) = answer_lines(assistant, [json.dumps(body)])
    assert row["route"] == "invalid_input" and row["error"] == f"line 1: {'; '.join(detail)}"
    assert row["question"] == "What is SGB?" and row["id"] is None
