"""Calibrate the abstention thresholds (min passage score, min sentence score) on development questions.

For every question it records what the judge sees with the score floors switched off, then
grid-searches the floors: most unanswerable questions abstaining, few answerable ones refused.

    python scripts/calibrate_abstention.py eval/qa-dev.jsonl eval/shared/dev-qa.jsonl eval/shared/dev-abstain.jsonl
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chatbot.abstain import AbstainConfig
from chatbot.assistant import Assistant
from cli.wiring import load_assistant
from settings import Settings


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]]
    rows = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    base = load_assistant(Settings())
    open_config = dataclasses.replace(base.config, abstain=AbstainConfig(min_score=-1, min_sentence=-1))
    assistant = Assistant(base.version, base.embedder, base.detector, open_config)
    feats = []
    for r in rows:
        if r["expect"] not in ("answered", "not_found"):
            continue
        answer = assistant.ask(r["question"], r.get("history") or [])
        if answer.route not in ("answered", "not_found"):
            continue  # routed by safety or scope: not this calibration's business
        hits = answer.trace.hits
        top = hits[0].score if hits else 0.0
        sentence = max((h.sentence for h in hits[:3]), default=0.0)
        rule = answer.route == "not_found"  # refused by a rule that is not a score floor
        feats.append((r["expect"] == "not_found", top, sentence, rule))
    pos = sum(f[0] for f in feats)
    neg = len(feats) - pos
    abstained, refused = sum(f[3] for f in feats if f[0]), sum(f[3] for f in feats if not f[0])
    print(f"{pos} unanswerable, {neg} answerable; rules alone abstain on {abstained}/{pos}, refuse {refused}/{neg}")
    best = None
    for t in np.arange(0.0, 1.2, 0.01):
        for st in np.arange(0.0, 0.7, 0.01):
            abstain = [f[3] or f[1] < t or f[2] < st for f in feats]
            recall = sum(a for a, f in zip(abstain, feats, strict=True) if f[0]) / max(pos, 1)
            refused = sum(a for a, f in zip(abstain, feats, strict=True) if not f[0]) / max(neg, 1)
            if refused <= 0.05 and (best is None or recall > best[0]):
                best = (recall, refused, t, st)
    recall, refused_rate, t, st = best
    print(f"best with <= 5% answerable refused: recall {recall:.3f} refused {refused_rate:.3f} min_score {t:.2f} min_sentence {st:.2f}")


if __name__ == "__main__":
    main()
