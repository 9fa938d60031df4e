"""Load benchmark: N concurrent simulated patients against a served app on 127.0.0.1.

Each patient holds multi-turn conversations drawn from the development sets (follow-ups, ordinary
questions, some crisis messages mixed in), with a short think time between turns, through the JSON
API (/api/ask) or the Gradio chat endpoint (/chat/gradio_api/call/respond), for a bounded time.
Prints throughput and p50/p95/p99 latency per route and per surface, the error count, whether every
crisis message got the crisis card, and the server's RSS at the start and the end.

    python benchmarks/load.py [--patients 50] [--duration 120] [--chat-share 0.2] [--think 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.stats import percentile  # noqa: E402
from ingest import read_jsonl as read  # noqa: E402

CRISIS_MARK = "help is available right now"


def conversations() -> tuple[list[list[str]], list[str]]:
    ordinary = [r["question"] for f in ("qa-dev.jsonl", "qa-holdout.jsonl") for r in read(ROOT / "eval" / f)]
    chains = [[m["content"] for m in r["history"]] + [r["question"]] for r in read(ROOT / "eval" / "followups.jsonl")]
    crisis = [r["question"] for r in read(ROOT / "eval" / "safety-holdout.jsonl") if r["expect"] == "crisis"]
    return chains + [[q] for q in ordinary], crisis


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Results:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.crisis_sent = 0
        self.crisis_carded = 0

    def add(self, key: str, seconds: float) -> None:
        self.latency[key].append(seconds)


async def ask_api(http: httpx.AsyncClient, question: str, history: list[dict]) -> tuple[str, str]:
    response = await http.post("/api/ask", json={"question": question, "history": history})
    if response.status_code != 200:
        raise RuntimeError(f"/api/ask HTTP {response.status_code}")
    data = response.json()
    return data["route"], data["answer"]


async def ask_chat(http: httpx.AsyncClient, question: str, chat: list[dict]) -> tuple[str, str]:
    start = await http.post("/chat/gradio_api/call/respond", json={"data": [question, chat]})
    if start.status_code != 200:
        raise RuntimeError(f"chat HTTP {start.status_code}")
    event = start.json()["event_id"]
    last = ""
    async with http.stream("GET", f"/chat/gradio_api/call/respond/{event}") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("event: error"):
                raise RuntimeError("chat event error")
            if line.startswith("data:"):
                last = line[5:].strip()
    messages = json.loads(last)[1]
    reply = messages[-1]["content"]
    text = reply if isinstance(reply, str) else json.dumps(reply)
    return ("crisis" if CRISIS_MARK in text else "chat"), text


async def patient(
    base: str, deadline: float, pool: list[list[str]], crisis: list[str], use_chat: bool, think: float, results: Results, rng: random.Random
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        while time.monotonic() < deadline:
            turns = list(rng.choice(pool))
            if rng.random() < 0.1:
                turns.insert(rng.randrange(len(turns) + 1), rng.choice(crisis))
            history: list[dict] = []
            for question in turns:
                if time.monotonic() >= deadline:
                    return
                is_crisis = question in crisis
                started = time.perf_counter()
                try:
                    route, text = await (ask_chat(http, question, []) if use_chat else ask_api(http, question, history))
                except Exception as exc:
                    results.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                elapsed = time.perf_counter() - started
                surface = "chat" if use_chat else "api"
                results.add(f"{surface}:{route}", elapsed)
                results.add(f"{surface}:all", elapsed)
                if is_crisis:
                    results.crisis_sent += 1
                    results.crisis_carded += CRISIS_MARK in text
                history += [{"role": "user", "content": question}, {"role": "assistant", "content": text}]
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile of latencies in seconds, in milliseconds."""
    return percentile(values, p) * 1000


def start_server(port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MALLOC_ARENA_MAX": "2",
        "SOFTREBOOT_RATE_LIMIT_PER_MINUTE": "0",
        "SOFTREBOOT_STAFF_CONSOLE": "false",
        "SOFTREBOOT_REDACTION": os.environ.get("SOFTREBOOT_REDACTION", "presidio"),
    }
    cmd = [sys.executable, "app.py", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(base: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not become ready")


async def run(args: argparse.Namespace, base: str) -> Results:
    pool, crisis = conversations()
    results = Results()
    deadline = time.monotonic() + args.duration
    rng = random.Random(args.seed)
    n_chat = round(args.patients * args.chat_share)
    tasks = [patient(base, deadline, pool, crisis, i < n_chat, args.think, results, random.Random(rng.random())) for i in range(args.patients)]
    await asyncio.gather(*tasks)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds (600 for the soak)")
    parser.add_argument("--chat-share", type=float, default=0.2, help="share of patients using the Gradio chat endpoint")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between turns, seconds")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--data-dir", type=Path, help="default: a temporary directory with the sample index")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-load-"))
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.port, data_dir)
    try:
        wait_ready(base)
        httpx.post(f"{base}/api/ask", json={"question": "warm up"}, timeout=60)
        rss_start = rss_mb(server.pid)
        started = time.perf_counter()
        results = asyncio.run(run(args, base))
        wall = time.perf_counter() - started
        rss_end = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    total = sum(len(v) for k, v in results.latency.items() if k.endswith(":all"))
    print(f"{args.patients} patients ({round(args.patients * args.chat_share)} on the chat endpoint), {args.duration:.0f} s, think time ~{args.think} s")
    print(f"requests: {total}  throughput: {total / wall:.1f} req/s  errors: {len(results.errors)}")
    print(f"{'surface:route':26s} {'n':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s}")
    for key in sorted(results.latency):
        values = results.latency[key]
        print(f"{key:26s} {len(values):6d} {pct(values, 50):8.1f} {pct(values, 95):8.1f} {pct(values, 99):8.1f}")
    print(f"crisis messages: {results.crisis_sent}, answered with the crisis card: {results.crisis_carded}")
    print(f"server RSS: {rss_start:.0f} MB at start, {rss_end:.0f} MB at the end")
    if results.errors:
        print("first errors:", results.errors[:5])
    if results.errors or results.crisis_carded < results.crisis_sent:
        sys.exit(1)


if __name__ == "__main__":
    main()
