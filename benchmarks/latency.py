"""Answer latency, side by side with its parts, on the same questions in the same run (model and index loaded):
the bare query embedding, the cross-encoder's cost per pair, and `ask` single-turn and follow-up.

Targets (issue 11): ask p95 <= 250 ms on a quiet 2-core machine, one request at a time; median ask <= 1.3 x (one query
embedding + the cross-encoder's cost for the pairs it actually scored).

    python benchmarks/latency.py [--data-dir DIR] [--repeat 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cli.wiring import load_assistant  # noqa: E402
from evaluation.stats import p95  # noqa: E402
from ingest import read_jsonl  # noqa: E402
from settings import Settings  # noqa: E402


def rows(names: tuple[str, ...]) -> list[dict]:
    out: list[dict] = []
    for name in names:
        out += read_jsonl(ROOT / "eval" / name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    settings = Settings()
    if args.data_dir:
        settings.data_dir = args.data_dir
    assistant = load_assistant(settings)
    single = [r["question"] for r in rows(("qa-dev.jsonl", "qa-holdout.jsonl"))]
    follow = [r for r in rows(("followups.jsonl",)) if r.get("history")]
    for q in single[:20]:  # warm up
        assistant.ask(q)
    embed, ask, pairs, follow_ms = [], [], [], []
    for _ in range(args.repeat):
        for q in single:
            t0 = time.perf_counter()
            assistant.embedder.encode_one(q)
            embed.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            answer = assistant.ask(q)
            ask.append((time.perf_counter() - t0) * 1000)
            pairs.append(len(answer.trace.reranked))
        for r in follow:
            t0 = time.perf_counter()
            assistant.ask(r["question"], r["history"])
            follow_ms.append((time.perf_counter() - t0) * 1000)
    # the cross-encoder alone, per pair, on 16 passages of the sample's length (each pair scored alone on the pool, as in `ask`)
    passages = [c.text[:400] for c in assistant.version.chunks][:16]
    per_pair = []
    for q in single[:40]:
        t0 = time.perf_counter()
        assistant.reranker.score(q, passages)
        per_pair.append((time.perf_counter() - t0) * 1000 / len(passages))
    e50, a50, pair50, n50 = statistics.median(embed), statistics.median(ask), statistics.median(per_pair), statistics.median(pairs)
    budget = e50 + pair50 * n50
    print(f"{len(single)} single-turn questions and {len(follow)} follow-ups, x {args.repeat}")
    print(f"bare query embedding:       p50 {e50:7.1f} ms  p95 {p95(embed):7.1f} ms")
    print(f"cross-encoder, per pair:    p50 {pair50:7.2f} ms  (pairs scored per question: median {n50:.0f}, max {max(pairs)})")
    print(f"ask, single turn:           p50 {a50:7.1f} ms  p95 {p95(ask):7.1f} ms  (target p95 <= 250)")
    print(f"ask, follow-up:             p50 {statistics.median(follow_ms):7.1f} ms  p95 {p95(follow_ms):7.1f} ms")
    print(f"ask / (embedding + pairs x per-pair) at the median: {a50:.1f} / {budget:.1f} = {a50 / budget:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
