"""Calibrate the abstention threshold on the cross-encoder's score, on development questions.

Every question is answered with the threshold switched off; what the judge would see is recorded (the best
sentence's cross-encoder logit, and whether a rule that is not the threshold refused it: the asked kind is
missing, a named thing is unknown). Then the threshold is searched: the most unanswerable questions refused
with at most `--max-refused` (default 5%) of answerable ones refused. Rules can be switched off
(`--no-term-rules`) to measure what they add.

    python scripts/calibrate_abstention.py eval/qa-dev.jsonl eval/followups.jsonl eval/shared/*.jsonl [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from chatbot.abstain import AbstainConfig
from chatbot.assistant import Assistant
from cli.wiring import load_assistant
from evaluation.run import replayed
from ingest import read_jsonl
from settings import Settings


def observe(assistant: Assistant, rows: list[dict]) -> list[tuple[bool, float, bool]]:
    """(should abstain, best cross-encoder logit, refused by a rule) per in-scope question."""
    feats = []
    for r in rows:
        if r["expect"] not in ("answered", "not_found"):
            continue
        answer = assistant.ask(r["question"], replayed(assistant, r.get("history") or []))
        if answer.route not in ("answered", "not_found"):
            continue  # routed by safety or scope: not this calibration's business
        best = answer.trace.reranked[0][1] if answer.trace.reranked else float("-inf")
        feats.append((r["expect"] == "not_found", best, answer.route == "not_found"))
    return feats


def search(feats: list[tuple[bool, float, bool]], max_refused: float) -> tuple[float, float, float]:
    """(threshold, recall of unanswerable, share of answerable refused) with the best recall under the cap."""
    pos = sum(f[0] for f in feats) or 1
    neg = (len(feats) - sum(f[0] for f in feats)) or 1
    best = (float("-inf"), 0.0, 0.0)
    for t in np.arange(-8.0, 6.0, 0.1):
        recall = sum(1 for f in feats if f[0] and (f[2] or f[1] < t)) / pos
        refused = sum(1 for f in feats if not f[0] and (f[2] or f[1] < t)) / neg
        if refused <= max_refused and recall > best[1]:
            best = (round(float(t), 2), recall, refused)
    return best


def auc(feats: list[tuple[bool, float, bool]]) -> float:
    """Probability that an answerable question's logit is above an unanswerable one's (ties count half)."""
    pos = [f[1] for f in feats if f[0]]
    neg = [f[1] for f in feats if not f[0]]
    if not pos or not neg:
        return float("nan")
    wins = sum((n > p) + 0.5 * (n == p) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--max-refused", type=float, default=0.05)
    parser.add_argument("--no-term-rules", action="store_true")
    args = parser.parse_args()
    rows = [row for f in args.files for row in read_jsonl(f)]
    settings = Settings()
    if args.data_dir:
        settings.data_dir = args.data_dir
    base = load_assistant(settings)
    judge = AbstainConfig(min_rerank=float("-inf"), term_rules=not args.no_term_rules)
    open_config = dataclasses.replace(base.config, abstain=judge)
    assistant = Assistant(base.version, base.embedder, base.detector, open_config, reranker=base.reranker)
    feats = observe(assistant, rows)
    pos = sum(f[0] for f in feats)
    print(
        f"{pos} unanswerable, {len(feats) - pos} answerable; rules alone refuse {sum(f[2] for f in feats if f[0])}/{pos} unanswerable, "
        f"{sum(f[2] for f in feats if not f[0])}/{len(feats) - pos} answerable; cross-encoder AUC {auc(feats):.3f}"
    )
    for cap in (0.02, 0.05, 0.10):
        t, recall, refused = search(feats, cap)
        print(f"answerable refused <= {cap:.2f}: min_rerank {t:.2f} -> unanswerable refused {recall:.3f}, answerable refused {refused:.3f}")


if __name__ == "__main__":
    main()
