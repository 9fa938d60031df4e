"""Train the crisis classifier (chatbot/safety/classifier.py) and choose its thresholds.

Training data: the exemplar bank, the labelled safety sets (eval/safety-dev, eval/safety-holdout,
eval/safety-fresh, eval/safety-hardneg, ../shared/eval/dev-safety, data/safety-train/*) and ordinary
clinic questions as negatives. safety-fresh and safety-hardneg were blind sets once (their first runs are
in the closing notes); since round 2 their look-alike negatives (weather, bridges, "goodbye", treatment
fears) are training data, and the newest blind set (eval/safety-blind2.jsonl) is the one never trained on.

The decision rule and its thresholds live in SafetyConfig (chatbot/safety/detector.py). `--search` runs
the recall-preserving threshold search: 5-fold out of fold, every threshold combination, printed as the
frontier of (missed crisis messages, false alarms on look-alike negatives); pick the point with the fewest
false alarms among those that miss no more than the current setting.

    python scripts/train_crisis_classifier.py [--C 64] [--search]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
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
from ingest import read_jsonl  # noqa: E402

SHARED = ROOT / "eval" / "shared"  # a copy of ../shared/eval (the development sets we were given)
TRAIN_SAFETY = [
    ROOT / "eval" / "safety-dev.jsonl",
    ROOT / "eval" / "safety-holdout.jsonl",
    ROOT / "eval" / "safety-fresh.jsonl",
    ROOT / "eval" / "safety-hardneg.jsonl",
    SHARED / "dev-safety.jsonl",
    *sorted((ROOT / "data" / "safety-train").glob("*.jsonl")),
]
TRAIN_ORDINARY = [
    ROOT / "eval" / "qa-dev.jsonl",
    ROOT / "eval" / "qa-holdout.jsonl",
    ROOT / "eval" / "qa-fresh.jsonl",
    ROOT / "eval" / "followups.jsonl",
    # blind once, measured, then used (round 3): blind set 4 (qa-blind4, followups-blind4) is never trained on
    ROOT / "eval" / "qa-blind2.jsonl",
    ROOT / "eval" / "qa-blind3.jsonl",
    ROOT / "eval" / "followups-blind2.jsonl",
    ROOT / "eval" / "followups-blind3.jsonl",
    SHARED / "dev-qa.jsonl",
    SHARED / "dev-abstain.jsonl",
    # round 4: qa-blind6 after its first run (4 classifier false alarms in 90); blind set 5 is never trained on
    ROOT / "eval" / "qa-blind6.jsonl",
    ROOT / "eval" / "followups-blind6.jsonl",
]
# blind probes of round 4 after their first runs: single messages only (a message whose risk is in the conversation,
# or an emergency under way, is not a lesson about the message alone)
TRAIN_PROBES = [ROOT / "eval" / "safety-blind6.jsonl", ROOT / "eval" / "safety-blind7.jsonl"]
BLIND = ROOT / "eval" / "safety-blind2.jsonl"


def read(paths: list[Path]) -> list[dict]:
    return [row for p in paths if p.is_file() for row in read_jsonl(p)]


def exemplar_rows() -> list[tuple[str, int]]:
    bank = tomllib.loads(EXEMPLARS_FILE.read_text())
    return [(e, 1) for g in bank["crisis"] for e in g["examples"]] + [(e, 0) for g in bank["not_crisis"] for e in g["examples"]]


def training_rows() -> list[tuple[str, int]]:
    """(message, 1 for crisis) for every training message: the exemplar bank first, then the labelled sets."""
    rows = exemplar_rows()
    rows += [(r["question"], int(r["expect"] == "crisis")) for r in read(TRAIN_SAFETY)]
    rows += [(r["question"], int(r["expect"] == "crisis")) for r in read(TRAIN_PROBES) if not r.get("history") and r["expect"] in ("crisis", "not_crisis")]
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


def frontier(verdicts: Verdicts, probs: list[np.ndarray], near: np.ndarray, y: np.ndarray, bank: np.ndarray) -> list[tuple[int, int, tuple[float, ...]]]:
    """The recall-preserving threshold search: for every combination of SafetyConfig's classifier thresholds,
    (missed crisis messages, false alarms, thresholds) out of fold; returned as the Pareto frontier, fewest misses
    first. `near`: each message's cosine to its nearest crisis exemplar (bank rows excluded from the exemplar count)."""
    results = []
    grid = itertools.product((0.7, 0.8, 0.85, 0.9, 0.95), (0.4, 0.5, 0.6, 0.7), (0.4, 0.45, 0.5, 0.55), (0.95, 0.98), (0.82, 0.88))
    for alone, corroborated, corroboration, cued_t, fire in grid:
        if corroborated > alone:
            continue
        fired = np.array(
            [
                verdicts.lexical[i]
                or any(
                    (p >= cued_t and near[i] >= corroboration) if c else (p >= alone or (p >= corroborated and near[i] >= corroboration))
                    for p, c in zip(probs[i], verdicts.cued[i], strict=True)
                )
                or (not verdicts.cued[i][0] and not bank[i] and near[i] >= fire)
                for i in range(len(y))
            ]
        )
        results.append((int(((y == 1) & ~fired & ~bank).sum()), int(((y == 0) & fired).sum()), (alone, corroborated, corroboration, cued_t, fire)))
    best, out = None, []
    for missed, alarms, cfg in sorted(results):
        if best is None or alarms < best:
            best = alarms
            out.append((missed, alarms, cfg))
    return out


def fit(texts: list[str], y: np.ndarray, c: float, weights: np.ndarray | None = None) -> tuple[LogisticRegression, np.ndarray]:
    """Logistic regression (classes balanced, `weights` per message on top) and the idf it was fitted with."""
    raw = features(texts)  # tf only, normalised: idf is fitted here
    df = np.bincount(raw.indices, minlength=raw.shape[1])
    idf = np.log((1 + len(texts)) / (1 + df)) + 1.0
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(features(texts, idf), y, sample_weight=weights)
    return model, idf


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--C", type=float, default=64.0)
    parser.add_argument("--search", action="store_true", help="print the out-of-fold threshold frontier")
    parser.add_argument("--clause-weight", type=float, default=0.3, help="training weight of the clauses of ordinary messages")
    args = parser.parse_args()

    lexicon = Lexicon.load()
    detector = SafetyDetector(lexicon, ExemplarBank((), ()), lambda t: np.zeros((len(t), 1), np.float32))
    rows = training_rows()
    texts = [t for t, _ in rows]
    y = np.array([lab for _, lab in rows])
    norm = [detector.classifier_text(t) for t in texts]
    verdicts = Verdicts(detector, texts)

    # The detector also reads each clause of a message alone ("... I don't want to make a scene"): every clause of
    # an ordinary message is an ordinary message too, so the clauses of the negatives are negatives as well.
    clause_of = [i for i, t in enumerate(texts) if y[i] == 0 for c in verdicts.normalised[i][1:] if c.strip()]
    clause_texts = [c for i, t in enumerate(texts) if y[i] == 0 for c in verdicts.normalised[i][1:] if c.strip()]
    folds = np.random.default_rng(0).integers(0, 5, len(texts))
    clause_folds = folds[clause_of] if clause_of else np.zeros(0, dtype=int)
    oof: list[np.ndarray] = [np.zeros(0)] * len(texts)
    for k in range(5):
        train = folds != k
        extra = [c for c, f in zip(clause_texts, clause_folds, strict=True) if f != k]
        weights = np.concatenate([np.ones(int(train.sum())), np.full(len(extra), args.clause_weight)])
        model, idf = fit(
            [n for n, m in zip(norm, train, strict=True) if m] + extra, np.concatenate([y[train], np.zeros(len(extra), dtype=int)]), args.C, weights
        )
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

    if args.search:
        from index import Embedder

        encoder = Embedder()
        crisis_bank = encoder.encode(list(ExemplarBank.load().crisis))
        near = (encoder.encode(texts) @ crisis_bank.T).max(axis=1)
        bank = np.array([i < len(exemplar_rows()) for i in range(len(texts))])
        print("out-of-fold frontier (missed crisis, false alarms, (alone, corroborated, corroboration, cued, exemplar_fire)):")
        for point in frontier(verdicts, oof, near, y, bank):
            print(" ", point)

    weights = np.concatenate([np.ones(len(norm)), np.full(len(clause_texts), args.clause_weight)])
    model, idf = fit(norm + clause_texts, np.concatenate([y, np.zeros(len(clause_texts), dtype=int)]), args.C, weights)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    provenance = {"examples": len(texts), "negative_clauses": len(clause_texts), "clause_weight": args.clause_weight, "digest": digest, "C": args.C}
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
