"""Calibrate the semantic crisis layer on labelled sets (dev only; check the holdout afterwards).

For every message it records the lexicon's verdict and the semantic scores of each clause, then
grid-searches the thresholds: as much crisis recall as possible with few false alarms on hard
negatives and on ordinary clinic questions.

    python scripts/calibrate_safety.py eval/safety-dev.jsonl ../shared/eval/dev-safety.jsonl --negatives eval/qa-dev.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chatbot.safety.detector import SafetyDetector, split_clauses
from index import Embedder


def rows(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for p in paths for line in open(p, encoding="utf-8") if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--negatives", nargs="*", type=Path, default=[], help="ordinary questions (any expect) that must not fire")
    args = parser.parse_args()
    embedder = Embedder()
    detector = SafetyDetector.load(embedder.encode)
    labelled = [(r["question"], r["expect"] == "crisis") for r in rows(args.files) if r["expect"] in ("crisis", "not_crisis")]
    labelled += [(r["question"], False) for r in rows(args.negatives)]
    feats = []
    for text, is_crisis in labelled:
        lexical = any(detector.lexical_crisis(c)[0] for c in {text, *split_clauses(text)})
        clauses = [text, *split_clauses(text)] if len(split_clauses(text)) > 1 else [text]
        vectors = embedder.encode(clauses)
        crisis = (vectors @ detector._crisis.T).max(axis=1)
        safe = (vectors @ detector._safe.T).max(axis=1)
        cued = [
            bool({"informational", "idiom", "negation", "generic_subject"} & set(detector.lexicon.matches(detector.lexicon.variants(c), "cue")))
            for c in clauses
        ]
        feats.append((is_crisis, lexical, crisis, safe, np.array(cued)))
    n_pos = sum(f[0] for f in feats)
    n_neg = len(feats) - n_pos
    lex_missed = sum(1 for f in feats if f[0] and not f[1])
    lex_fa = sum(1 for f in feats if not f[0] and f[1])
    print(f"{n_pos} crisis, {n_neg} negatives; lexicon alone misses {lex_missed}, false alarms {lex_fa}")
    results = []
    for fire, mfire, margin, cued_fire in itertools.product(
        np.arange(0.55, 0.86, 0.025), np.arange(0.45, 0.76, 0.025), (0.0, 0.05, 0.1, 0.15, 0.2), (0.75, 0.8, 0.85, 0.9)
    ):
        missed = fa = 0
        for is_crisis, lexical, crisis, safe, cued in feats:
            sem = (~cued & ((crisis >= fire) | ((crisis >= mfire) & (crisis - safe >= margin)))) | (cued & (crisis >= cued_fire) & (crisis > safe))
            verdict = lexical or bool(sem.any())
            missed += is_crisis and not verdict
            fa += (not is_crisis) and verdict
        results.append((missed, fa, fire, mfire, margin, cued_fire))
    for budget in (0.01, 0.02, 0.03, 0.04, 0.05):
        ok = [r for r in results if r[1] <= budget * n_neg]
        best = min(ok, key=lambda r: (r[0], r[1]))
        print(f"FA <= {budget:.0%}: missed {best[0]}, false alarms {best[1]}: fire {best[2]:.3f} margin_fire {best[3]:.3f} margin {best[4]} cued {best[5]}")


if __name__ == "__main__":
    main()
