"""Chat latency while staff re-ingest: p50/p95 of replies when quiet and during a re-ingest, in the same run.

The real app (FastAPI + the patient chat's ChatService) on 127.0.0.1; `--clients` conversations ask questions
through POST /api/ask (the same ChatService.ask as the chat) one after another. First a quiet window of
`--quiet-requests` replies, then a re-ingest of a synthetic feed of `--posts` new posts (benchmarks/ingest.py's
generator: every sentence new, so all of it is embedded) while the clients keep asking, until it is published.

Two ways to run the re-ingest, so that the design can be compared with the old one on the same machine:
  child   the staff console's way: its own process, nice +10, one torch thread (web/ingest_worker.py)
  thread  the old way: run_ingest on a thread of the serving process, sharing its torch threads

Target: p95 during a re-ingest <= 1.5 x the quiet p95 (issue 12).

    python benchmarks/chat_during_ingest.py [--mode child|thread|both] [--posts 300] [--clients 2] [--quiet-requests 60]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import httpx  # noqa: E402
import uvicorn  # noqa: E402

from chatbot.assistant import Assistant  # noqa: E402
from conversations import MemoryStore  # noqa: E402
from evaluation.stats import p95  # noqa: E402
from index import Embedder, IndexStore, IngestOptions, run_ingest  # noqa: E402
from ingest import read_jsonl  # noqa: E402
from settings import SAMPLE_FEED  # noqa: E402
from web.auth import StaffCredentials  # noqa: E402
from web.server import create_app  # noqa: E402
from web.service import ChatService, RateLimiter  # noqa: E402


def synthetic_feed(posts: int) -> bytes:
    spec = importlib.util.spec_from_file_location("ingest_benchmark", ROOT / "benchmarks" / "ingest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses in the module look themselves up there
    spec.loader.exec_module(module)
    return module.synthetic_feed(posts)  # type: ignore[no-any-return]


def questions() -> list[str]:
    return [r["question"] for r in read_jsonl(ROOT / "eval" / "qa-dev.jsonl")]


class Clients:
    """`n` conversations asking one question after another; latencies (ms) go to the current bucket."""

    def __init__(self, url: str, n: int, qs: list[str]) -> None:
        self.url, self.qs, self.bucket = url, qs, "warmup"
        self.samples: dict[str, list[float]] = {}
        self.errors = 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(n)]

    def _run(self, offset: int) -> None:
        with httpx.Client(base_url=self.url, timeout=120) as http:
            i = offset * 17
            while not self.stop.is_set():
                bucket = self.bucket
                t0 = time.perf_counter()
                response = http.post("/api/ask", json={"question": self.qs[i % len(self.qs)]})
                elapsed = (time.perf_counter() - t0) * 1000
                if response.status_code != 200:
                    self.errors += 1
                self.samples.setdefault(bucket, []).append(elapsed)
                i += 1

    def count(self, bucket: str) -> int:
        return len(self.samples.get(bucket, []))


def serve(service: ChatService) -> tuple[uvicorn.Server, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    staff = StaffCredentials.from_settings("staff", None)
    server = uvicorn.Server(uvicorn.Config(create_app(service, embed_origins=[], staff=staff), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def run(mode: str, base: Path, feed: Path, args: argparse.Namespace, embedder: Embedder) -> dict[str, float]:
    data = Path(tempfile.mkdtemp(prefix=f"bench-{mode}-"))
    shutil.copytree(base, data, dirs_exist_ok=True)
    service = ChatService(Assistant.load(IndexStore(data), embedder), MemoryStore(), IndexStore(data), IngestOptions(), [str(feed)], RateLimiter(0))
    server, url = serve(service)
    clients = Clients(url, args.clients, questions())
    for t in clients.threads:
        t.start()
    while clients.count("warmup") < 10:
        time.sleep(0.1)
    clients.bucket = "quiet"
    while clients.count("quiet") < args.quiet_requests:
        time.sleep(0.1)
    clients.bucket = "ingest"
    started = time.perf_counter()
    if mode == "child":
        assert service.start_reingest([str(feed)])
        while service.job.running:
            time.sleep(0.1)
        assert not service.job.error, service.job.error
    else:  # the old design: the serving process embeds on a thread of its own, with the chat's torch threads
        worker = threading.Thread(target=lambda: run_ingest([str(feed)], IndexStore(data), embedder, IngestOptions()))
        worker.start()
        worker.join()
        service.swap_to_current()
    ingest_s = time.perf_counter() - started
    clients.stop.set()
    for t in clients.threads:
        t.join()
    server.should_exit = True
    shutil.rmtree(data, ignore_errors=True)
    quiet, during = clients.samples["quiet"], clients.samples.get("ingest", [])
    return {
        "quiet_n": len(quiet), "quiet_p50": statistics.median(quiet), "quiet_p95": p95(quiet),
        "ingest_n": len(during), "ingest_p50": statistics.median(during) if during else float("nan"),
        "ingest_p95": p95(during) if during else float("nan"), "ingest_s": ingest_s, "errors": clients.errors,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["child", "thread", "both"], default="both")
    parser.add_argument("--posts", type=int, default=300, help="new posts in the re-ingested feed")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--quiet-requests", type=int, default=60)
    args = parser.parse_args()
    embedder = Embedder()
    work = Path(tempfile.mkdtemp(prefix="bench-chat-ingest-"))
    try:
        base = work / "base"
        run_ingest([str(SAMPLE_FEED)], IndexStore(base), embedder, IngestOptions())
        feed = work / "feed.xml"
        feed.write_bytes(synthetic_feed(args.posts))
        print(f"re-ingest of {args.posts} new posts; {args.clients} clients on POST /api/ask; {os.cpu_count()} cores")
        for mode in ["thread", "child"] if args.mode == "both" else [args.mode]:
            r = run(mode, base, feed, args, embedder)
            ratio = r["ingest_p95"] / r["quiet_p95"]
            print(
                f"{mode:6} quiet: p50 {r['quiet_p50']:.0f} ms p95 {r['quiet_p95']:.0f} ms (n={r['quiet_n']:.0f}) | during re-ingest "
                f"({r['ingest_s']:.1f} s): p50 {r['ingest_p50']:.0f} ms p95 {r['ingest_p95']:.0f} ms (n={r['ingest_n']:.0f}) | "
                f"p95 ratio {ratio:.2f} (target <= 1.5) | errors {r['errors']:.0f}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
