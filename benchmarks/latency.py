"""Answer latency: a single-turn `ask` against the bare query embedding, on the same questions, in the same run.

Target: median ask time <= 2 x median query-embedding time; p95 <= 100 ms (model and index loaded).

    python benchmarks/latency.py [--data-dir DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cli.wiring import load_assistant  # noqa: E402
from settings import Settings  # noqa: E402


def questions() -> list[str]:
    rows = []
    for name in ("qa-dev.jsonl", "qa-holdout.jsonl", "safety-holdout.jsonl"):
        rows += [json.loads(line)["question"] for line in (ROOT / "eval" / name).read_text().splitlines() if line.strip()]
    return rows


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    if args.data_dir:
        settings.data_dir = args.data_dir
    assistant = load_assistant(settings)
    qs = questions()
    for q in qs[:20]:  # warm up
        assistant.ask(q)
    embed, ask = [], []
    for _ in range(args.repeat):
        for q in qs:
            t0 = time.perf_counter()
            assistant.embedder.encode_one(q)
            embed.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            assistant.ask(q)
            ask.append((time.perf_counter() - t0) * 1000)
    e50, a50 = statistics.median(embed), statistics.median(ask)
    print(f"{len(qs)} questions x {args.repeat}")
    print(f"bare query embedding: p50 {e50:.1f} ms  p95 {p95(embed):.1f} ms")
    print(f"single-turn ask:      p50 {a50:.1f} ms  p95 {p95(ask):.1f} ms")
    print(f"ask / embedding at the median: {a50 / e50:.2f} (target <= 2.0); ask p95 target <= 100 ms")


if __name__ == "__main__":
    main()
