"""What the staff console shows, in plain words for clinic staff (the raw numbers one click away).

Pure functions from answers, index summaries, ingest jobs and stored turns to escaped HTML or table rows:
web/staff.py lays them out. Everything from a feed or a person goes through `esc`.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chatbot.types import ABSTAINING, CONTENT, WEIGHS_ARTICLES, Answer, Route
from conversations import Turn
from index import STAGE_UNITS
from web.render import esc

ROUTE_WORDS: dict[Route, str] = {
    "answered": "Answered from the clinic's articles.",
    "not_found": "Declined: the articles don't answer this, so it gave the clinic's contact details instead of guessing.",
    "out_of_scope": "Declined as off-topic: not about the clinic, its treatments or mental health care.",
    "medical_advice": "Treated as a request for personal medical advice: it referred the person to the clinicians (general facts may follow, never a dose).",
    "emergency": "Treated as a medical emergency: 911 and the nearest emergency room first.",
    "crisis": "Treated as a crisis (suicide or self-harm risk): the crisis card with 988 and 911, no routine answer.",
    "social": "A greeting or thanks: a short, warm reply.",
    "invalid_input": "Not a message it could read (empty, too long, not text) or sent too fast.",
}
SIGNAL_WORDS = {
    "lexicon": "crisis wording it knows",
    "classifier": "the crisis classifier",
    "exemplar": "closeness to known crisis messages",
    "emergency": "emergency wording",
    "medical": "medical-advice wording",
    "history": "an earlier crisis in the conversation",
}
# How sure an answer was: the cross-encoder's logit for the window it quoted (chatbot/rerank.py). Answers under
# AbstainConfig.min_rerank (-6) are declined; on the dev sets (eval/qa-dev, followups, shared) most right answers score
# above 0 and the windows that read as a direct answer above ~4. Re-measure when the model or the windows change.
LOW_CONFIDENCE_SCORE = 0.0
HIGH_CONFIDENCE_SCORE = 4.0


def best_logit(answer: Answer) -> float | None:
    """The cross-encoder's logit for the best window the answer quoted, or None when nothing was read."""
    return answer.trace.reranked[0][1] if answer.trace.reranked else None


def _sureness(answer: Answer) -> str:
    best = best_logit(answer)
    if best is None:
        return "No passage was close enough to consider."
    level = "very sure" if best >= HIGH_CONFIDENCE_SCORE else "fairly sure" if best >= LOW_CONFIDENCE_SCORE else "not very sure"
    return (
        f"{level.capitalize()}: the relevance model scored the quoted passage {best:.1f} "
        f"(a direct answer usually scores above {HIGH_CONFIDENCE_SCORE:.0f}; under {LOW_CONFIDENCE_SCORE:.0f} is a weak match)."
    )


def _signals(answer: Answer) -> str:
    names = []
    for signal in answer.signals:
        kind = signal.split(":", 1)[0].split("=", 1)[0]
        names.append(SIGNAL_WORDS.get(kind, kind))
    return ", ".join(dict.fromkeys(names))


def explain_html(answer: Answer) -> str:
    """Why the assistant replied as it did, for staff: what it did, which articles, why that route, how sure;
    then the raw trace (thresholds, BM25, fusion scores, generation) in a closed <details>."""
    t = answer.trace
    lines = [f"<p><strong>What it did:</strong> {esc(ROUTE_WORDS.get(answer.route, answer.route))}</p>"]
    used = [c for c in answer.citations]
    if used:
        items = "".join(f"<li>{esc(c.title)}{' — ' + esc(c.section) if c.section else ''}</li>" for c in used)
        lines.append(f"<p><strong>Articles it used:</strong></p><ol>{items}</ol>")
    elif answer.route in WEIGHS_ARTICLES:
        lines.append("<p><strong>Articles it used:</strong> none.</p>")
    why = _signals(answer)
    if why:
        lines.append(f"<p><strong>Why this route:</strong> the safety check saw {esc(why)}.</p>")
    if t.abstain_reason:
        lines.append(f"<p><strong>Why it declined:</strong> {esc(t.abstain_reason)}.</p>")
    if answer.route in WEIGHS_ARTICLES:
        lines.append(f"<p><strong>How sure:</strong> {esc(_sureness(answer))}</p>")
    if t.condensed:
        lines.append(f"<p><strong>Follow-up:</strong> read together with the conversation as “{esc(t.retrieval_query)}”.</p>")
    wording = "a language model phrased it, checked by the grounding guard" if t.generation else "the articles' own sentences (no language model)"
    lines.append(f"<p><strong>Wording:</strong> {wording}. Took {answer.latency_ms:.0f} ms.</p>")
    lines.append(f"<details class='st-raw'><summary>Raw trace (for engineers)</summary><pre>{esc_pre(raw_trace(answer))}</pre></details>")
    return f"<div class='st-why'>{''.join(lines)}</div>"


def esc_pre(text: str) -> str:
    """Escaped text for a <pre> (newlines kept as they are)."""
    return esc(text).replace("<br>", "\n")


def raw_trace(answer: Answer) -> str:
    t = answer.trace
    hits = [
        {"rank": i, "chunk": h.chunk.chunk_id, "score": round(h.score, 4), "dense": round(h.dense, 4), "bm25": round(h.lexical, 3), "rrf": round(h.fused, 5),
         "sentence": round(h.sentence_score, 4), "faq": round(h.faq_score, 4)}
        for i, h in enumerate(t.hits[:10], start=1)
    ]  # fmt: skip
    data = {"route": answer.route, "signals": list(answer.signals), "retrieval_query": t.retrieval_query, "condensed": t.condensed,
            "abstain_reason": t.abstain_reason, "thresholds": t.thresholds, "cited": list(t.cited_chunk_ids), "hits": hits,
            "generation": t.generation, "latency_ms": round(answer.latency_ms, 1)}  # fmt: skip
    return json.dumps(data, indent=1, default=str)


PASSAGE_COLUMNS = ["#", "used in the answer", "match", "article", "section", "passage"]


def passage_rows(answer: Answer) -> list[list[Any]]:
    """The passages it looked at, best first, with their whole text."""
    cited = set(answer.trace.cited_chunk_ids)
    return [
        [i, "yes" if h.chunk.chunk_id in cited else "", round(h.score, 2), h.chunk.title, h.chunk.question or h.chunk.section, h.chunk.text]
        for i, h in enumerate(answer.trace.hits, start=1)
    ]


def index_html(readiness: dict[str, Any]) -> str:
    """The served index and the database, in words; the raw readiness report in a closed <details>."""
    index, store = readiness["index"], readiness["store"]
    sources = ", ".join(esc(str(s)) for s in index.get("sources", [])) or "none"
    lines = [
        f"<p><strong>Serving:</strong> {index.get('posts', '?')} articles in {index.get('chunks', '?')} passages, built {esc(str(index.get('built_at')))}.</p>",
        f"<p><strong>Read from:</strong> {sources}</p>",
        "<p><strong>Conversation database:</strong> "
        + ("working." if store["ok"] else f"<strong>a problem</strong>: {esc(str(store['detail']))}. Replies go on; turns wait in memory.")
        + "</p>",
    ]
    if index.get("rolled_back_from"):
        lines.append(f"<p><strong>Warning:</strong> the newest version was damaged, so an older one is served: {esc(str(index['rolled_back_from']))}</p>")
    lines.append(f"<details class='st-raw'><summary>Raw details</summary><pre>{esc_pre(json.dumps(readiness, indent=1, default=str))}</pre></details>")
    return "".join(lines)


STAGE_WORDS = {
    "starting": "Starting the update",
    "loading the embedding model": "Loading the language model that reads the articles",
    "reading the sources": "Fetching the articles",
    "chunking": "Cutting the articles into passages",
    "embedding": "Reading new and changed passages",
    "publishing": "Saving the new version",
    "switching to the new version": "Switching the assistant to the new version",
}


def progress_text(stage: str, done: int, total: int) -> str:
    """A re-ingest's stage in words, with its count: "Fetching the articles: 245 of 1,050 posts" (a site's REST API
    says how many it has), "Fetching the articles: 245 posts so far" (a feed does not), "Reading new and changed
    passages: 512 of 747 texts", "Cutting the articles into passages: 12 of 40 posts"."""
    words = STAGE_WORDS.get(stage, stage.capitalize())
    unit = f" {STAGE_UNITS[stage]}" if STAGE_UNITS.get(stage) else ""
    if total:
        return f"{words}: {done:,} of {total:,}{unit}"
    if done:
        return f"{words}: {done:,}{unit} so far"
    return f"{words}…"


# --- content gaps ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Gap:
    """One stored question that the articles served badly, and why."""

    question: str
    why: str  # "declined", "marked unhelpful", "low confidence"
    turn: Turn


def gaps_of(turns: Sequence[Turn], low_score: float = LOW_CONFIDENCE_SCORE) -> list[Gap]:
    """Declined questions (not_found, out_of_scope), answers a patient marked unhelpful, and answers whose best
    passage scored under `low_score`. Crisis, emergency, social and invalid turns are not content gaps."""
    found = []
    for t in turns:
        if not t.question.strip() or t.route not in CONTENT:
            continue
        if t.route in ABSTAINING:
            found.append(Gap(t.question, "declined", t))
        elif t.feedback == -1:
            found.append(Gap(t.question, "marked unhelpful", t))
        elif t.route == "answered" and t.top_score is not None and t.top_score < low_score:
            found.append(Gap(t.question, "low confidence", t))
    return found


def cluster(gaps: Sequence[Gap], vectors: np.ndarray, threshold: float = 0.72) -> list[list[Gap]]:
    """Greedy grouping by cosine of normalised question vectors (one row per gap): largest groups first."""
    groups: list[tuple[np.ndarray, list[Gap]]] = []
    for gap, vector in zip(gaps, vectors, strict=True):
        for center, members in groups:
            if float(center @ vector) >= threshold:
                members.append(gap)
                break
        else:
            groups.append((vector, [gap]))
    return sorted((members for _, members in groups), key=len, reverse=True)


GAP_COLUMNS = ["questions", "declined", "marked unhelpful", "low confidence", "example question", "similar questions"]


def gap_rows(groups: Sequence[Sequence[Gap]]) -> list[list[Any]]:
    rows = []
    for members in groups:
        kinds = [g.why for g in members]
        others = list(dict.fromkeys(g.question for g in members[1:] if g.question != members[0].question))[:5]
        counts = [kinds.count("declined"), kinds.count("marked unhelpful"), kinds.count("low confidence")]
        rows.append([len(members), *counts, members[0].question, " | ".join(others)])
    return rows


def gaps_csv_link(groups: Sequence[Sequence[Gap]]) -> str:
    """A download link holding the content gaps as CSV (one line per question, with its group): made in the
    page, so no file is written on the server."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "group size", "why", "question", "asked at", "route"])
    for n, members in enumerate(groups, start=1):
        for g in members:
            writer.writerow([n, len(members), g.why, g.question, g.turn.created_at.isoformat(timespec="seconds"), g.turn.route])
    data = base64.b64encode(out.getvalue().encode("utf-8")).decode("ascii")
    return f'<a class="st-download" download="content-gaps.csv" href="data:text/csv;base64,{data}">Download the content gaps (CSV)</a>'
