"""Side-by-side evaluation of a generator against the extractive answers, on the same questions."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from typing import Any

from chatbot.assistant import Assistant
from chatbot.generate.base import Generator
from chatbot.types import Answer
from evaluation.run import fact_found, replayed
from evaluation.stats import p95
from index.lexical import terms
from ingest.text import split_sentences

_CITE = re.compile(r"\s*\[(\d+)\]")
_NUMBER = re.compile(r"\$?\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|hundred|thousand)\b", re.I)


def unsupported_sentences(answer: Answer, chunk_text: Callable[[str], str]) -> int:
    """Sentences of the answer a strict reader would not find in their cited passages: a number that is not
    there, or under 80% of the sentence's words there. An independent check of what got through the guard."""
    sources = " ".join(chunk_text(c.chunk_id) for c in answer.citations).lower()
    bad = 0
    for sentence in split_sentences(answer.body):
        plain = _CITE.sub("", sentence)
        words = terms(plain)
        numbers_ok = all(n.lower().rstrip(".,") in sources for n in _NUMBER.findall(plain))
        support = len(words & terms(sources)) / len(words) if words else 1.0
        bad += not numbers_ok or support < 0.8
    return bad


def compare_generation(extractive: Assistant, generator: Generator | None, rows: Sequence[dict[str, Any]], out: Callable[[str], None] = print) -> None:
    """Ask `rows` (answerable questions) of the extractive assistant and of one that phrases with `generator`; print one line
    per system: share with a fact found, model used, fallback, guard-dropped sentences, unsupported sentences shown, p50/p95 ms.
    Prints nothing when `generator` is None."""
    if generator is None:
        return
    generated = Assistant(extractive.version, extractive.embedder, extractive.detector, extractive.config, generator)
    chunks = {c.chunk_id: c.text for c in extractive.version.chunks}
    stats: dict[str, dict[str, list[float]]] = {"extractive": {}, generator.name: {}}
    for system, assistant in (("extractive", extractive), (generator.name, generated)):
        s = stats[system]
        for key in ("fact", "latency", "sentences", "dropped", "unsupported", "fallback", "used"):
            s[key] = []
        for row in rows:
            answer = assistant.safe_ask(row["question"], replayed(assistant, row.get("history") or []))
            info = answer.trace.generation or {}
            s["fact"].append(fact_found(row, answer))
            s["latency"].append(answer.latency_ms)
            s["unsupported"].append(unsupported_sentences(answer, lambda cid: chunks.get(cid, "")))
            s["sentences"].append(len(split_sentences(answer.body)))
            kept, dropped = len(info.get("kept", [])), len(info.get("dropped", []))
            s["dropped"].append(dropped / (kept + dropped) if kept + dropped else 0.0)
            s["fallback"].append(bool(info.get("fallback")))
            s["used"].append(bool(info) and not info.get("fallback"))
    out(f"\n== Generated answers ({generator.name}) beside the extractive ones, {len(rows)} answerable questions ==")
    out(f"{'system':14s} {'facts':>6s} {'model used':>10s} {'fallback':>9s} {'guard dropped':>13s} {'unsupported shown':>17s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for system, s in stats.items():
        lat = s["latency"]
        out(
            f"{system:14s} {statistics.fmean(s['fact']):6.3f} {statistics.fmean(s['used']):10.3f} {statistics.fmean(s['fallback']):9.3f} "
            f"{statistics.fmean(s['dropped']):13.3f} {int(sum(s['unsupported'])):9d}/{int(sum(s['sentences'])):<7d} "
            f"{statistics.median(lat):8.1f} {p95(lat):8.1f}"
        )
