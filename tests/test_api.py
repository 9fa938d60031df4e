"""The JSON API and the served app's promises, over HTTP (FastAPI's test client on the real app)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chatbot.assistant import Assistant
from chatbot.safety import messages as m
from tests.conftest import make_app, make_service

FIELDS = {"id", "question", "route", "answer", "citations", "disclaimer", "disclaimer_full", "crisis_resources", "latency_ms"}


@pytest.fixture(scope="module")
def client(assistant: Assistant, sample_data_dir: Path) -> TestClient:
    return TestClient(make_app(make_service(assistant, sample_data_dir)))


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["index"]["posts"] == 4 and ready["index"]["model"].endswith("all-MiniLM-L6-v2")


def test_api_ask_returns_the_contract(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "What is the integration window?", "id": "q1"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == FIELDS and data["id"] == "q1" and data["route"] == "answered"
    assert data["disclaimer"] in data["answer"] and data["citations"][0]["url"].startswith("https://softrebootwellness.com/")


def test_api_ask_follows_the_history(client: TestClient) -> None:
    history = [{"role": "user", "content": "I want to end my life"}, {"role": "assistant", "content": "..."}]
    data = client.post("/api/ask", json={"question": "What is KAP?", "history": history}).json()
    assert data["crisis_resources"] is True and data["answer"].startswith(m.CRISIS_CARD_SHORT)


@pytest.mark.parametrize(
    "body",
    [{}, {"question": 12}, {"question": "hi", "history": [{"role": "system", "content": "x"}]}, {"question": "hi", "history": "nope"}],
    ids=["missing", "not-a-string", "bad-role", "bad-history"],
)
def test_bad_requests_get_a_json_error_never_a_stack_trace(client: TestClient, body: dict) -> None:
    response = client.post("/api/ask", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request" and "Traceback" not in response.text
    assert response.json()["disclaimer"] == m.DISCLAIMER


def test_malformed_json_and_oversized_bodies_are_refused_cleanly(client: TestClient) -> None:
    response = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["error"] == "invalid_request"
    huge = client.post("/api/ask", content=b"x" * 300_000, headers={"content-type": "application/json"})
    assert huge.status_code == 413 and huge.json()["error"] == "request_too_large"


def test_too_long_question_is_invalid_input_with_the_envelope(client: TestClient) -> None:
    data = client.post("/api/ask", json={"question": "a" * 2500}).json()
    assert data["route"] == "invalid_input" and data["disclaimer"] in data["answer"]


def test_rate_limit_is_friendly_and_still_shows_the_crisis_card(assistant: Assistant, sample_data_dir: Path) -> None:
    client = TestClient(make_app(make_service(assistant, sample_data_dir, rate_limit=2)))
    for _ in range(2):
        assert client.post("/api/ask", json={"question": "What is SGB?"}).status_code == 200
    limited = client.post("/api/ask", json={"question": "What is SGB?"})
    assert limited.status_code == 429 and "faster than I can answer" in limited.json()["answer"]
    assert limited.json()["disclaimer"] in limited.json()["answer"]
    crisis = client.post("/api/ask", json={"question": "i'm going to kill myself tonight"})
    assert crisis.json()["route"] == "crisis" and crisis.json()["answer"].startswith(m.CRISIS_CARD_TITLE)


def test_only_the_patient_chat_can_be_framed_and_only_by_allowed_sites(assistant: Assistant, sample_data_dir: Path) -> None:
    client = TestClient(make_app(make_service(assistant, sample_data_dir), embed_origins=["https://softrebootwellness.com"]))
    assert client.get("/chat/").headers["content-security-policy"].endswith("; frame-ancestors 'self' https://softrebootwellness.com")
    assert client.get("/widget-demo").headers["content-security-policy"] == "frame-ancestors 'none'"
    assert client.get("/staff/").headers["content-security-policy"].endswith("frame-ancestors 'none'")


def test_pages_carry_a_content_security_policy(client: TestClient) -> None:
    for path in ("/chat/", "/staff/"):
        policy = client.get(path).headers["content-security-policy"]
        for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "connect-src 'self'"):
            assert directive in policy, (path, directive)


def test_widget_script_is_small_and_served_as_javascript(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
    assert len(response.content) < 6_000
    assert "/chat/" in response.text and "iframe" in response.text


def test_patient_pages_never_link_to_the_staff_console_or_trackers(client: TestClient) -> None:
    for path in ("/chat/", "/widget-demo", "/widget.js"):
        text = client.get(path).text
        assert "/staff" not in text
        for tracker in ("googletagmanager", "google-analytics", "segment.com", "hotjar", "facebook.net"):
            assert tracker not in text


def test_staff_console_requires_login(client: TestClient) -> None:
    from tests.conftest import STAFF_PASSWORD, STAFF_USER

    assert client.get("/staff/config").status_code == 401  # the console's contents: not before signing in
    same_site = {"Origin": "http://testserver"}  # the console accepts changes only from its own pages
    bad = client.post("/staff/login", data={"username": STAFF_USER, "password": "wrong"}, headers=same_site)
    assert bad.status_code in (400, 401)
    good = client.post("/staff/login", data={"username": STAFF_USER, "password": STAFF_PASSWORD}, headers=same_site)
    assert good.status_code == 200
    assert client.get("/staff/config").status_code == 200  # the same request, now with the session cookie
