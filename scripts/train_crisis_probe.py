"""Train the crisis probe (chatbot/safety/probe.py) and choose its thresholds.

Training data: the exemplar bank, the development safety sets and ordinary development questions
(negatives). Thresholds are chosen on 5-fold out-of-fold probabilities, for the whole detector
(lexicon OR probe): the fewest missed crises with false alarms within the budget. The held-out
sets are only measured, never trained on.

    python scripts/train_crisis_probe.py --budget 0.03
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chatbot.safety.detector import SafetyDetector, split_clauses  # noqa: E402
from chatbot.safety.lexicon import EXEMPLARS_FILE  # noqa: E402
from chatbot.safety.probe import CrisisProbe, train_logistic  # noqa: E402
from index import Embedder  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
TRAIN_SAFETY = [ROOT / "eval" / "safety-dev.jsonl", SHARED / "dev-safety.jsonl"]
TRAIN_ORDINARY = [ROOT / "eval" / "qa-dev.jsonl", SHARED / "dev-qa.jsonl", SHARED / "dev-abstain.jsonl"]
HOLDOUT_SAFETY = [ROOT / "eval" / "safety-holdout.jsonl"]
HOLDOUT_ORDINARY = [ROOT / "eval" / "qa-holdout.jsonl"]
CUES = {"informational", "idiom", "negation", "generic_subject"}


def read(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for p in paths if p.is_file() for line in open(p, encoding="utf-8") if line.strip()]


def labelled(safety: list[Path], ordinary: list[Path]) -> list[tuple[str, int]]:
    rows = [(r["question"], int(r["expect"] == "crisis")) for r in read(safety)]
    return rows + [(r["question"], 0) for r in read(ordinary)]


def hard_negative_count(safety: list[Path]) -> int:
    return sum(1 for r in read(safety) if r["expect"] == "not_crisis")


class Features:
    """Per message: lexicon verdict, whether a cue applies, and the embeddings of message and clauses."""

    def __init__(self, detector: SafetyDetector, embedder: Embedder, texts: list[str]) -> None:
        self.lexical = np.array([detector.lexical_crisis(t)[0] or any(detector.lexical_crisis(c)[0] for c in split_clauses(t)) for t in texts])
        self.groups: list[np.ndarray] = []
        self.cued: list[np.ndarray] = []
        for text in texts:
            clauses = [text, *split_clauses(text)] if len(split_clauses(text)) > 1 else [text]
            self.groups.append(embedder.encode(clauses))
            cues = [CUES & set(detector.lexicon.matches(detector.lexicon.variants(c), "cue")) for c in clauses]
            history = [("history" in detector.lexicon.matches(detector.lexicon.variants(c), "cue")) for c in clauses]
            self.cued.append(np.array([bool(c) or h for c, h in zip(cues, history, strict=True)]))

    def verdicts(self, probe: CrisisProbe, threshold: float, cued_threshold: float) -> np.ndarray:
        out = []
        for lexical, vectors, cued in zip(self.lexical, self.groups, self.cued, strict=True):
            p = probe.probability(vectors)
            fired = np.where(cued, p >= cued_threshold, p >= threshold)
            out.append(bool(lexical) or bool(fired.any()))
        return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=0.03, help="false-alarm rate allowed on negatives (out of fold)")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--threshold", type=float, help="use this threshold instead of choosing one")
    parser.add_argument("--cued-threshold", type=float, help="use this threshold for cued messages instead of choosing one")
    args = parser.parse_args()

    embedder = Embedder()
    detector = SafetyDetector.load(embedder.encode)
    bank = tomllib.loads(EXEMPLARS_FILE.read_text())
    train = [(e, 1) for g in bank["crisis"] for e in g["examples"]] + [(e, 0) for g in bank["not_crisis"] for e in g["examples"]]
    n_bank = len(train)
    train += labelled(TRAIN_SAFETY, TRAIN_ORDINARY)
    texts, y = [t for t, _ in train], np.array([lab for _, lab in train], dtype=float)
    x = embedder.encode(texts)
    feats = Features(detector, embedder, texts[n_bank:])
    y_eval = y[n_bank:]

    # out-of-fold probes for the development rows (the bank is always in training)
    rng = np.random.default_rng(0)
    folds = rng.integers(0, 5, len(texts) - n_bank)
    oof_probes = []
    for k in range(5):
        mask = np.concatenate([np.ones(n_bank, bool), folds != k])
        w, b = train_logistic(x[mask], y[mask], args.l2)
        oof_probes.append(CrisisProbe(w, b, 0.5, 0.5, embedder.name))

    def oof_verdicts(t: float, ct: float) -> np.ndarray:
        v = np.zeros(len(y_eval), bool)
        for k in range(5):
            idx = np.where(folds == k)[0]
            sub = Features.__new__(Features)
            sub.lexical, sub.groups, sub.cued = feats.lexical[idx], [feats.groups[i] for i in idx], [feats.cued[i] for i in idx]
            v[idx] = sub.verdicts(oof_probes[k], t, ct)
        return v

    n_pos, n_neg = int(y_eval.sum()), int((1 - y_eval).sum())
    best = None
    for t in np.arange(0.30, 0.96, 0.025):
        for ct in (0.8, 0.9, 0.95, 0.98):
            v = oof_verdicts(t, ct)
            missed = int(((y_eval == 1) & ~v).sum())
            fa = int(((y_eval == 0) & v).sum())
            # fewest misses; among equals the most sensitive thresholds (unseen messages need the margin)
            if fa <= args.budget * n_neg and (best is None or (missed, t, ct) < (best[0], best[2], best[3])):
                best = (missed, fa, float(t), float(ct))
    assert best is not None
    if args.threshold is not None:
        v = oof_verdicts(args.threshold, args.cued_threshold or best[3])
        best = (int(((y_eval == 1) & ~v).sum()), int(((y_eval == 0) & v).sum()), args.threshold, args.cued_threshold or best[3])
    print(f"development, out of fold: {n_pos} crisis / {n_neg} negatives: missed {best[0]}, false alarms {best[1]} at threshold {best[2]:.3f} (cued {best[3]})")

    w, b = train_logistic(x, y, args.l2)
    probe = CrisisProbe(w, b, best[2], best[3], embedder.name)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    probe.save(training_examples=len(texts), training_digest=digest, l2=args.l2, budget=args.budget, oof_missed=best[0], oof_false_alarms=best[1])

    hold = labelled(HOLDOUT_SAFETY, HOLDOUT_ORDINARY)
    if hold:
        hf = Features(detector, embedder, [t for t, _ in hold])
        hy = np.array([lab for _, lab in hold])
        v = hf.verdicts(probe, probe.threshold, probe.cued_threshold)
        missed, alarms = int(((hy == 1) & ~v).sum()), int(((hy == 0) & v).sum())
        print(f"holdout: {int(hy.sum())} crisis / {int((1 - hy).sum())} negatives: missed {missed}, false alarms {alarms}")
        print(f"holdout, lexicon alone: missed {int(((hy == 1) & ~hf.lexical).sum())}, false alarms {int(((hy == 0) & hf.lexical).sum())}")


if __name__ == "__main__":
    main()
