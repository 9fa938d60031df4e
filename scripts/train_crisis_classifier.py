"""Train the crisis classifier (chatbot/safety/classifier.py) and choose its thresholds.

Training data: the exemplar bank, the labelled safety sets (eval/safety-dev, eval/safety-holdout,
../shared/eval/dev-safety, data/safety-train/*) and ordinary clinic questions as negatives.
The decision rule and its thresholds live in SafetyConfig (chatbot/safety/detector.py); this
script reports how the whole detector does with them: 5-fold out of fold on the training data,
and on the blind set (eval/safety-fresh.jsonl, written without sight of the lexicon: never trained on).

    python scripts/train_crisis_classifier.py [--C 16]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chatbot.safety.classifier import CrisisClassifier, features  # noqa: E402
from chatbot.safety.detector import SafetyConfig, SafetyDetector, split_clauses  # noqa: E402
from chatbot.safety.lexicon import EXEMPLARS_FILE, ExemplarBank, Lexicon  # noqa: E402

SHARED = ROOT / "eval" / "shared"  # a copy of ../shared/eval (the development sets we were given)
TRAIN_SAFETY = [
    ROOT / "eval" / "safety-dev.jsonl",
    ROOT / "eval" / "safety-holdout.jsonl",
    SHARED / "dev-safety.jsonl",
    *sorted((ROOT / "data" / "safety-train").glob("*.jsonl")),
]
TRAIN_ORDINARY = [ROOT / "eval" / "qa-dev.jsonl", ROOT / "eval" / "qa-holdout.jsonl", SHARED / "dev-qa.jsonl", SHARED / "dev-abstain.jsonl"]
BLIND = ROOT / "eval" / "safety-fresh.jsonl"


def read(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for p in paths if p.is_file() for line in open(p, encoding="utf-8") if line.strip()]


def training_rows() -> list[tuple[str, int]]:
    bank = tomllib.loads(EXEMPLARS_FILE.read_text())
    rows = [(e, 1) for g in bank["crisis"] for e in g["examples"]] + [(e, 0) for g in bank["not_crisis"] for e in g["examples"]]
    rows += [(r["question"], int(r["expect"] == "crisis")) for r in read(TRAIN_SAFETY)]
    return rows + [(r["question"], 0) for r in read(TRAIN_ORDINARY)]


class Verdicts:
    """Lexicon verdicts, cue flags and clause texts of a list of messages, for fast threshold sweeps."""

    def __init__(self, detector: SafetyDetector, texts: list[str]) -> None:
        self.lexical = np.array([any(detector.lexical_crisis(c)[0] for c in {t, *split_clauses(t)}) for t in texts])
        self.clauses = [[t, *split_clauses(t)] if len(split_clauses(t)) > 1 else [t] for t in texts]
        self.normalised = [[detector.classifier_text(c) for c in cs] for cs in self.clauses]
        self.cued = [np.array([detector.cued(c) for c in cs]) for cs in self.clauses]

    def probabilities(self, model: LogisticRegression, idf: np.ndarray) -> list[np.ndarray]:
        flat = [n for ns in self.normalised for n in ns]
        p = model.predict_proba(features(flat, idf))[:, 1]
        out, i = [], 0
        for ns in self.normalised:
            out.append(p[i : i + len(ns)])
            i += len(ns)
        return out

    def decide(self, probs: list[np.ndarray], t: float, ct: float) -> np.ndarray:
        fired = [bool(np.where(c, p >= ct, p >= t).any()) for p, c in zip(probs, self.cued, strict=True)]
        return self.lexical | np.array(fired)


def fit(texts: list[str], y: np.ndarray, c: float) -> tuple[LogisticRegression, np.ndarray]:
    raw = features(texts)  # tf only, normalised: idf is fitted here
    df = np.bincount(raw.indices, minlength=raw.shape[1])
    idf = np.log((1 + len(texts)) / (1 + df)) + 1.0
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(features(texts, idf), y)
    return model, idf


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--C", type=float, default=16.0)
    args = parser.parse_args()

    lexicon = Lexicon.load()
    detector = SafetyDetector(lexicon, ExemplarBank((), ()), lambda t: np.zeros((len(t), 1), np.float32))
    rows = training_rows()
    texts = [t for t, _ in rows]
    y = np.array([lab for _, lab in rows])
    norm = [detector.classifier_text(t) for t in texts]
    verdicts = Verdicts(detector, texts)

    folds = np.random.default_rng(0).integers(0, 5, len(texts))
    oof: list[np.ndarray] = [np.zeros(0)] * len(texts)
    for k in range(5):
        train = folds != k
        model, idf = fit([n for n, m in zip(norm, train, strict=True) if m], y[train], args.C)
        idx = np.where(~train)[0]
        sub = Verdicts.__new__(Verdicts)
        sub.normalised = [verdicts.normalised[i] for i in idx]
        for i, p in zip(idx, sub.probabilities(model, idf), strict=True):
            oof[i] = p
    cfg = SafetyConfig()
    # out of fold, without the exemplar corroboration (it needs the model): the classifier's own reach
    v = verdicts.decide(oof, cfg.classifier_corroborated, cfg.classifier_cued)
    print(
        f"training, out of fold (lexicon or classifier >= {cfg.classifier_corroborated}): {int(y.sum())} crisis: missed {int(((y == 1) & ~v).sum())}; "
        f"{int((y == 0).sum())} negatives: false alarms {int(((y == 0) & v).sum())}"
    )

    model, idf = fit(norm, y, args.C)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    provenance = {"examples": len(texts), "digest": digest, "C": args.C}
    CrisisClassifier(idf, model.coef_[0].astype(np.float64), float(model.intercept_[0]), provenance).save()

    from index import Embedder

    embedder = Embedder()
    full = SafetyDetector.load(embedder.encode)
    for name, path in (("blind set", BLIND), ("ordinary questions", None)):
        rows_ = read([path]) if path else [{"question": r["question"], "expect": "ordinary"} for r in read(TRAIN_ORDINARY)]
        crisis = [full.assess(r["question"], embedder.encode_one(r["question"])).route == "crisis" for r in rows_]
        pos = [c for c, r in zip(crisis, rows_, strict=True) if r["expect"] == "crisis"]
        neg = [c for c, r in zip(crisis, rows_, strict=True) if r["expect"] != "crisis"]
        print(f"{name}: {len(pos)} crisis: missed {len(pos) - sum(pos)}; {len(neg)} others: false alarms {sum(neg)}")


if __name__ == "__main__":
    main()
