"""A linear crisis probe on the sentence embeddings: L2-regularised logistic regression, trained by
scripts/train_crisis_probe.py on the exemplar bank and the development sets, stored as plain
numbers (crisis_probe.json: no pickle). It generalises from examples better than nearest-exemplar
similarity, which groups messages by topic more than by current risk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chatbot.safety.lexicon import DATA_DIR

PROBE_FILE = DATA_DIR / "crisis_probe.json"


@dataclass(frozen=True)
class CrisisProbe:
    weights: np.ndarray  # (dim,)
    bias: float
    threshold: float  # probability at or above which the probe fires
    cued_threshold: float  # ... when a cue marks the message as informational, idiomatic or historical
    model: str

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(vectors @ self.weights + self.bias)))

    def save(self, path: Path = PROBE_FILE, **provenance: object) -> None:
        data = {
            "model": self.model,
            "bias": self.bias,
            "threshold": self.threshold,
            "cued_threshold": self.cued_threshold,
            "weights": [round(float(w), 6) for w in self.weights],
            "provenance": provenance,
        }
        path.write_text(json.dumps(data, indent=1))

    @classmethod
    def load(cls, model: str, path: Path = PROBE_FILE) -> CrisisProbe | None:
        if not path.is_file():
            return None
        data = json.loads(path.read_text())
        if data["model"] != model:
            return None  # trained on another embedding model: meaningless here
        return cls(np.asarray(data["weights"], dtype=np.float32), float(data["bias"]), float(data["threshold"]), float(data["cued_threshold"]), model)


def train_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, weights: np.ndarray | None = None, iterations: int = 25) -> tuple[np.ndarray, float]:
    """Newton's method for L2-regularised logistic regression (the bias is not regularised)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    sample_w = np.ones(n) if weights is None else weights
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (sample_w * (p - y)) + reg * w
        hess = (xb * (sample_w * p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-6 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w[:-1].astype(np.float32), float(w[-1])
