"""The served app's outer guard, a plain ASGI middleware in front of FastAPI and Gradio:

- routes the product does not use are closed (404): file serving and uploads of the Gradio apps,
  so no patient route serves a file it did not create, and nobody can upload;
- the body limit counts the bytes actually read (a chunked body has no Content-Length);
- the staff console is same-origin only: a state-changing request (POST...) under /staff must carry
  an Origin (or Referer) of the same host, Gradio's reflected CORS headers are removed for other
  origins, and its session cookie is rewritten SameSite=Strict (the "unsecure" twin is dropped over
  https);
- staff logins are throttled, then locked, per client and per user name (`LoginThrottle`); failed
  logins are logged without the password.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger("softreboot.security")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Gradio routes neither app needs: files on the server's disk, uploads and their progress
CLOSED = ("/gradio_api/file=", "/file=", "/gradio_api/upload", "/upload", "/gradio_api/upload_progress", "/upload_progress")


class LoginThrottle:
    """Failed logins per key (client address, user name) in a sliding window of `window_s` seconds.
    From `free` failures on, each further try waits `delay_s * 2**(n - free)` seconds after the last
    failure (capped at `lock_s`); from `lock` failures on the key is locked for `lock_s` seconds."""

    def __init__(self, free: int = 5, lock: int = 20, delay_s: float = 1.0, window_s: float = 900.0, lock_s: float = 900.0) -> None:
        self.free, self.lock, self.delay_s, self.window_s, self.lock_s = free, lock, delay_s, window_s, lock_s
        self._failures: dict[str, list[float]] = {}
        self.failed = 0  # counted for the logs and tests

    def wait_s(self, *keys: str, now: float | None = None) -> float:
        """Seconds until a login for these keys may be tried again (0: now)."""
        now = time.monotonic() if now is None else now
        return max((self._wait(key, now) for key in keys), default=0.0)

    def _wait(self, key: str, now: float) -> float:
        times = [t for t in self._failures.get(key, []) if now - t < max(self.window_s, self.lock_s)]
        self._failures[key] = times
        if len(times) < self.free:
            return 0.0
        pause = self.lock_s if len(times) >= self.lock else min(self.delay_s * 2 ** (len(times) - self.free), self.lock_s)
        return max(0.0, times[-1] + pause - now)

    def failure(self, *keys: str) -> None:
        self.failed += 1
        now = time.monotonic()
        for key in keys:
            self._failures.setdefault(key, []).append(now)

    def success(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def same_origin(scope: Scope) -> bool:
    """Does the request's Origin (or Referer) name the host it was sent to?"""
    headers = _headers(scope)
    source = headers.get("origin") or headers.get("referer") or ""
    host = headers.get("host") or ""  # the proxy passes the Host the browser used (proxy_set_header Host $host)
    return bool(source) and source != "null" and urlsplit(source).netloc.lower() == host.lower()


async def _json(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None) -> None:
    data = json.dumps(body).encode()
    base = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": base + (headers or [])})
    await send({"type": "http.response.body", "body": data})


class Guard:
    """ASGI middleware; `error_body(error, detail)` builds the JSON of a refusal (with the disclaimer)."""

    def __init__(self, app: ASGIApp, *, max_body: int, error_body: Callable[[str, object], dict[str, Any]], throttle: LoginThrottle | None = None) -> None:
        self.app, self.max_body, self.error_body = app, max_body, error_body
        self.throttle = throttle or LoginThrottle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        staff = path == "/staff" or path.startswith("/staff/")
        if any(marker in path for marker in CLOSED) and (staff or path.startswith("/chat")):
            await _json(send, 404, self.error_body("not_found", "this route is closed"))
            return
        if staff and method not in SAFE_METHODS and not same_origin(scope):
            await _json(send, 403, self.error_body("forbidden", "the staff console accepts changes only from its own pages"))
            return
        body = b""
        if method not in SAFE_METHODS:
            body, too_large = await self._read_body(receive)
            if too_large:
                await _json(send, 413, self.error_body("request_too_large", f"the body is over {self.max_body:,} bytes"), [(b"connection", b"close")])
                return
        if path.startswith("/api/"):
            body = _valid_utf8(body)
        replay = _replay(body, receive) if method not in SAFE_METHODS else receive
        if staff and method == "POST" and path.rstrip("/") == "/staff/login":
            await self._login(scope, body, replay, send)
            return
        if staff and _https(scope):
            scope = _without_unsecure_cookie(scope)  # over https only the Secure session cookie counts
        await self.app(scope, replay, _staff_send(scope, send) if staff else send)

    async def _read_body(self, receive: Receive) -> tuple[bytes, bool]:
        """The whole body, counting the bytes as they arrive; stops reading past the limit."""
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(parts), False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return b"", True
            parts.append(chunk)
            if not message.get("more_body"):
                return b"".join(parts), False

    async def _login(self, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
        form = parse_qs(body.decode("utf-8", "replace"))
        user = (form.get("username") or [""])[0].strip().lower()[:100]
        client = scope["client"][0] if scope.get("client") else "unknown"
        keys = (f"client:{client}", f"user:{user}")
        wait = self.throttle.wait_s(*keys)
        if wait > 0:
            log.warning("staff login refused: too many failed attempts", extra={"client": client, "user": user, "retry_after_s": round(wait)})
            headers = [(b"retry-after", str(max(1, round(wait))).encode())]
            await _json(send, 429, self.error_body("too_many_attempts", f"too many failed sign-ins; try again in {max(1, round(wait))} s"), headers)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await _staff_send(scope, send)(message)

        await self.app(scope, receive, watch)
        if status == 200:
            self.throttle.success(*keys)
        else:
            self.throttle.failure(*keys)
            log.warning("staff login failed", extra={"client": client, "user": user, "failed_logins": self.throttle.failed})


def _replay(body: bytes, original: Receive) -> Receive:
    """The body already read, in one message; then the client's own messages (its disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


def _staff_send(scope: Scope, send: Send) -> Send:
    """Session cookies SameSite=Strict (no cookie-only twin over https); no CORS grant to other origins."""
    https = _https(scope)
    foreign = not same_origin(scope)

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = []
            for key, value in message.get("headers", []):
                name = key.lower()
                if foreign and name.startswith(b"access-control-allow-"):
                    continue
                if name == b"set-cookie" and value.startswith(b"access-token"):
                    if https and value.startswith(b"access-token-unsecure"):
                        continue
                    value = _strict(value)
                headers.append((key, value))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def _valid_utf8(body: bytes) -> bytes:
    """Invalid bytes become U+FFFD: a crisis message with one bad byte is still read (and answered
    with the crisis card), not refused as malformed."""
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        return body.decode("utf-8", "replace").encode("utf-8")


def _https(scope: Scope) -> bool:
    return scope.get("scheme") == "https" or _headers(scope).get("x-forwarded-proto") == "https"


def _without_unsecure_cookie(scope: Scope) -> Scope:
    headers = []
    for key, value in scope.get("headers", []):
        if key.lower() == b"cookie":
            kept = [c for c in value.split(b";") if not c.strip().startswith(b"access-token-unsecure")]
            value = b";".join(kept)
        headers.append((key, value))
    return {**scope, "headers": headers}


def _strict(cookie: bytes) -> bytes:
    parts = [p for p in cookie.split(b";") if not p.strip().lower().startswith(b"samesite")]
    return b";".join([*parts, b" SameSite=strict"])
