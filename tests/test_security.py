"""The staff side and the limits, probed as an attacker would, against the app served on 127.0.0.1:
the export, cross-site requests, closed routes, the body limit, login throttling."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chatbot.assistant import Assistant
from conversations import Turn
from tests.conftest import STAFF_PASSWORD, STAFF_USER, LiveServer, make_app, make_service

EVIL = "http://evil.example"


@pytest.fixture
def served(assistant: Assistant, sample_data_dir: Path) -> Iterator[tuple[str, object]]:
    service = make_service(assistant, sample_data_dir)
    service.store.record_turn(Turn("c1", "I want to die", "reply", "crisis", crisis=True, id="t1"))
    with LiveServer(make_app(service)) as server:
        yield server.url, service


def login(url: str, password: str = STAFF_PASSWORD, user: str = STAFF_USER, client: httpx.Client | None = None) -> httpx.Response:
    client = client or httpx.Client()
    return client.post(f"{url}/staff/login", data={"username": user, "password": password}, headers={"Origin": url})


def test_the_export_needs_a_staff_session_and_leaves_no_file(served: tuple[str, object]) -> None:
    url, _ = served
    before = set(Path(tempfile.gettempdir()).rglob("conversations-*"))
    assert httpx.post(f"{url}/staff/export.csv", headers={"Origin": url}).status_code == 401
    with httpx.Client() as staff:
        assert login(url, client=staff).status_code == 200
        exported = staff.post(f"{url}/staff/export.csv", headers={"Origin": url})
        assert exported.status_code == 200 and "I want to die" in exported.text
        assert staff.get(f"{url}/staff/export.csv").status_code in (404, 405)  # not a link to leak in history or logs
    assert set(Path(tempfile.gettempdir()).rglob("conversations-*")) == before


def test_no_patient_route_serves_files_from_the_server(served: tuple[str, object]) -> None:
    url, _ = served
    secret = Path(os.environ.get("GRADIO_TEMP_DIR", tempfile.gettempdir()) + "/gradio") / "probe" / "export.csv"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("every turn, crisis flags")
    for path in (f"/chat/gradio_api/file={secret}", f"/chat/file={secret}", f"/staff/gradio_api/file={secret}"):
        reply = httpx.get(url + path)
        assert reply.status_code == 404 and "crisis flags" not in reply.text, path


def test_uploads_are_closed(served: tuple[str, object]) -> None:
    url, _ = served
    reply = httpx.post(f"{url}/chat/gradio_api/upload", files={"files": ("a.txt", b"x" * 1000)})
    assert reply.status_code == 404


def test_a_chunked_body_over_the_limit_is_refused_without_reading_it_all(served: tuple[str, object]) -> None:
    url, _ = served
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(400):  # 400 x 64 kB = 25 MB, never announced in a Content-Length
            sent += 1
            yield b"x" * 65536

    try:
        reply = httpx.post(f"{url}/api/ask", content=chunks(), headers={"Content-Type": "application/json"}, timeout=30)
        assert reply.status_code == 413
    except httpx.HTTPError:
        pass  # the server may close the connection before reading the rest: also a refusal
    assert sent < 400


def test_cross_site_requests_cannot_drive_the_console(served: tuple[str, object]) -> None:
    url, _ = served
    with httpx.Client() as staff:
        signed_in = login(url, client=staff)
        cookies = signed_in.headers.get_list("set-cookie")
        assert cookies and all("samesite=strict" in c.lower() for c in cookies)
        host = {"Host": "clinic.example"}
        for origin in (EVIL, None):
            headers = {**host, **({"Origin": origin} if origin else {})}
            for path in ("/staff/gradio_api/queue/join", "/staff/export.json", "/staff/gradio_api/run/predict"):
                reply = staff.post(url + path, json={"data": [], "fn_index": 0, "session_hash": "x"}, headers=headers)
                assert reply.status_code == 403, (path, origin)
        preflight = staff.options(f"{url}/staff/gradio_api/queue/join", headers={**host, "Origin": EVIL, "Access-Control-Request-Method": "POST"})
        assert preflight.headers.get("access-control-allow-origin") not in (EVIL, "*")
        assert staff.post(f"{url}/staff/export.json", headers={**host, "Origin": "http://clinic.example"}).status_code == 200


def test_logout_is_a_post_and_ends_the_session(served: tuple[str, object]) -> None:
    url, _ = served
    with httpx.Client() as staff:
        login(url, client=staff)
        assert staff.get(f"{url}/staff/logout").status_code == 405
        assert staff.post(f"{url}/staff/logout", headers={"Origin": url}).status_code == 303
        staff.cookies.clear()
        assert staff.post(f"{url}/staff/export.csv", headers={"Origin": url}).status_code == 401


def test_a_login_flood_is_throttled_and_does_not_stall_the_server(served: tuple[str, object]) -> None:
    url, _ = served
    statuses: list[int] = []
    health: list[float] = []

    def flood() -> None:
        with httpx.Client() as attacker:
            for i in range(40):
                statuses.append(login(url, password=f"wrong-{i}", client=attacker).status_code)

    thread = threading.Thread(target=flood)
    thread.start()
    while thread.is_alive():
        start = time.perf_counter()
        httpx.get(f"{url}/healthz")
        health.append(time.perf_counter() - start)
    thread.join()
    assert statuses.count(400) <= 6 and statuses.count(429) >= 30
    assert max(health) < 0.25
    # the real user name is locked too (from any client), and the right password is refused while locked
    assert login(url).status_code == 429


def test_login_time_does_not_tell_whether_a_user_exists(served: tuple[str, object]) -> None:
    from web.auth import StaffCredentials, hash_password

    credentials = StaffCredentials(STAFF_USER, hash_password(STAFF_PASSWORD))

    def timed(user: str) -> float:
        start = time.perf_counter()
        for _ in range(5):
            credentials.check(user, "wrong password")
        return time.perf_counter() - start

    known, unknown = timed(STAFF_USER), timed("nobody")
    assert unknown > 0.5 * known


def test_a_crisis_message_with_invalid_utf8_still_gets_the_crisis_card(served: tuple[str, object]) -> None:
    url, _ = served
    body = b'{"question": "i want to kill myself tonight \xff\xfe"}'
    reply = httpx.post(f"{url}/api/ask", content=body, headers={"Content-Type": "application/json"}, timeout=60)
    assert reply.status_code == 200
    assert reply.json()["route"] == "crisis" and reply.json()["crisis_resources"]


def test_an_export_while_the_database_is_down_says_so_as_json(assistant: Assistant, sample_data_dir: Path) -> None:
    """The API edge maps the store's error once: 503 with a plain message and the disclaimer, no stack trace."""
    from chatbot.safety import messages as m
    from conversations import StoreError

    service = make_service(assistant, sample_data_dir)

    def down() -> list[Turn]:
        raise StoreError("(psycopg.OperationalError) connection refused")

    service.store.export = down  # type: ignore[method-assign]
    with LiveServer(make_app(service)) as server, httpx.Client() as staff:
        assert login(server.url, client=staff).status_code == 200
        response = staff.post(f"{server.url}/staff/export.csv", headers={"Origin": server.url})
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "store_unavailable" and body["disclaimer"] == m.DISCLAIMER
    assert "psycopg" not in response.text and "Traceback" not in response.text
