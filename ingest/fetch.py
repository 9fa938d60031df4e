"""Read a source's bytes: a local file, or an http(s) URL with timeouts, a size cap and redirects."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from ingest.errors import FeedFetchError

USER_AGENT = "SoftRebootFAQ/1.0 (feed ingest)"


@dataclass(frozen=True)
class FetchLimits:
    timeout_s: float = 20.0  # connect/read timeout, and the whole download's deadline
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    source: str
    body: bytes
    content_type: str
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)  # response headers, lower-case names


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def read_file(path: str, limits: FetchLimits) -> Fetched:
    p = Path(path)
    if not p.is_file():
        raise FeedFetchError(f"{path}: no such file")
    size = p.stat().st_size
    if size > limits.max_bytes:
        raise FeedFetchError(f"{path}: {size:,} bytes is over the {limits.max_bytes:,}-byte limit for a feed")
    return Fetched(path, p.read_bytes(), "")


def fetch_url(client: httpx.Client, url: str, limits: FetchLimits) -> Fetched:
    """GET a URL; any failure becomes a FeedFetchError with a message a person can act on."""
    deadline = time.monotonic() + limits.timeout_s
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise FeedFetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            body = _read_capped(response, url, limits, deadline)
            return Fetched(url, body, response.headers.get("content-type", ""), response.status_code, {k.lower(): v for k, v in response.headers.items()})
    except httpx.TimeoutException as exc:
        raise FeedFetchError(f"{url}: timed out after {limits.timeout_s:g} s") from exc
    except httpx.TooManyRedirects as exc:
        raise FeedFetchError(f"{url}: more than {limits.max_redirects} redirects") from exc
    except httpx.HTTPError as exc:
        raise FeedFetchError(f"{url}: {type(exc).__name__}: {exc}") from exc


def _read_capped(response: httpx.Response, url: str, limits: FetchLimits, deadline: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FeedFetchError(f"{url}: {int(declared):,} bytes is over the {limits.max_bytes:,}-byte limit for a feed")
    parts, size = [], 0
    for part in response.iter_bytes():
        size += len(part)
        if size > limits.max_bytes:
            raise FeedFetchError(f"{url}: body is over the {limits.max_bytes:,}-byte limit for a feed")
        if time.monotonic() > deadline:
            raise FeedFetchError(f"{url}: timed out after {limits.timeout_s:g} s")
        parts.append(part)
    return b"".join(parts)


def http_client(limits: FetchLimits) -> httpx.Client:
    return httpx.Client(
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        timeout=httpx.Timeout(limits.timeout_s),
        headers={"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"},
    )


def page_url(url: str, page: int) -> str:
    """The WordPress URL of a feed's page N (`?paged=N`), keeping other query parameters."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "paged"]
    if page > 1:
        query.append(("paged", str(page)))
    return urlunsplit(parts._replace(query=urlencode(query)))
