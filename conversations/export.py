"""Staff export of stored conversations (already redacted), crisis turns flagged."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from conversations.base import Turn

COLUMNS = ["created_at", "conversation_id", "turn_id", "crisis", "route", "question", "answer", "signals", "cited_chunk_ids", "latency_ms", "feedback"]


def _row(t: Turn) -> dict[str, object]:
    return {
        "created_at": t.created_at.isoformat(),
        "conversation_id": t.conversation_id,
        "turn_id": t.id,
        "crisis": t.crisis,
        "route": t.route,
        "question": t.question,
        "answer": t.answer,
        "signals": list(t.signals),
        "cited_chunk_ids": list(t.cited_chunk_ids),
        "latency_ms": round(t.latency_ms, 1),
        "feedback": {1: "up", -1: "down"}.get(t.feedback or 0, ""),
    }


def export_json(turns: Sequence[Turn]) -> str:
    return json.dumps([_row(t) for t in turns], ensure_ascii=False, indent=1)


def export_csv(turns: Sequence[Turn]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for t in turns:
        row = _row(t)
        writer.writerow({**row, "signals": "; ".join(t.signals), "cited_chunk_ids": " ".join(t.cited_chunk_ids), "crisis": "CRISIS" if t.crisis else ""})
    return out.getvalue()
