"""The staff Q&A console: ask as a patient would and see why, search the articles, review
conversations (crisis first), see unanswered questions grouped, and re-ingest the feed."""

from __future__ import annotations

from typing import Any

import gradio as gr
import numpy as np

from chatbot.types import Answer
from web.render import answer_html, esc
from web.service import ChatService

EXPORT_FORMS = (
    "<p>Export (redacted; crisis turns flagged): "
    '<form method="post" action="/staff/export.csv" style="display:inline"><button type="submit">Export CSV</button></form> '
    '<form method="post" action="/staff/export.json" style="display:inline"><button type="submit">Export JSON</button></form></p>'
)
SIGN_OUT_FORM = '<form method="post" action="/staff/logout"><button type="submit">Sign out</button></form>'
PASSAGE_COLUMNS = ["rank", "cited", "score", "dense", "lexical (BM25)", "fused (RRF)", "best sentence", "FAQ question", "post", "section", "kind", "passage"]


def explain(answer: Answer) -> dict[str, Any]:
    t = answer.trace
    return {
        "route": answer.route,
        "safety signals": list(answer.signals) or ["none"],
        "crisis resources shown": answer.crisis_resources,
        "retrieval query": t.retrieval_query,
        "condensed with the conversation": t.condensed,
        "abstention reason": t.abstain_reason or None,
        "thresholds": t.thresholds,
        "latency ms": round(answer.latency_ms, 1),
        "generation (model draft and grounding guard)": t.generation or "extractive (no model)",
    }


def passage_rows(answer: Answer) -> list[list[Any]]:
    cited = set(answer.trace.cited_chunk_ids)
    rows = []
    for i, h in enumerate(answer.trace.hits, start=1):
        c = h.chunk
        rows.append(
            [
                i,
                "yes" if c.chunk_id in cited else "",
                round(h.score, 3),
                round(h.dense, 3),
                round(h.lexical, 2),
                round(h.fused, 4),
                round(h.sentence, 3),
                round(h.faq, 3),
                c.title,
                c.question or c.section,
                c.kind,
                c.text[:400],
            ]
        )
    return rows


def group_questions(questions: list[str], vectors: np.ndarray, threshold: float = 0.72) -> list[tuple[int, str, list[str]]]:
    """Greedy grouping by cosine: (count, representative, examples), largest groups first."""
    groups: list[tuple[np.ndarray, list[str]]] = []
    for question, vector in zip(questions, vectors, strict=True):
        for center, members in groups:
            if float(center @ vector) >= threshold:
                members.append(question)
                break
        else:
            groups.append((vector, [question]))
    out = [(len(members), members[0], members[1:6]) for _, members in groups]
    return sorted(out, key=lambda g: g[0], reverse=True)


def build_staff_console(service: ChatService) -> gr.Blocks:
    with gr.Blocks(title="Soft Reboot FAQ — staff console", analytics_enabled=False) as console:
        gr.Markdown("## Staff console\nWhat the assistant would say and why, the articles it knows, conversations and the index.")
        gr.HTML(SIGN_OUT_FORM)
        with gr.Tab("Ask"):
            question = gr.Textbox(label="Question, as a patient would type it", elem_id="staff-question")
            ask = gr.Button("Ask", variant="primary", elem_id="staff-ask")
            with gr.Row():
                patient_view = gr.HTML(label="What the patient sees", elem_id="staff-patient-view")
                why = gr.JSON(label="Why", elem_id="staff-why")
            passages = gr.Dataframe(headers=PASSAGE_COLUMNS, label="Retrieved passages", wrap=True, elem_id="staff-passages")

            def run_ask(text: str) -> tuple[Any, ...]:
                answer = service.assistant.safe_ask(text or "")
                return answer_html(answer), explain(answer), passage_rows(answer)

            ask.click(run_ask, question, [patient_view, why, passages])
            question.submit(run_ask, question, [patient_view, why, passages])

        with gr.Tab("Search the articles"):
            with gr.Row():
                query = gr.Textbox(label="Search text", scale=3)
                post = gr.Dropdown(label="Post", choices=["all"], value="all", scale=2)
                kind = gr.Dropdown(label="Kind", choices=["all", "section", "faq", "takeaways"], value="all", scale=1)
                section = gr.Textbox(label="Section contains", scale=2)
            search = gr.Button("Search", elem_id="staff-search")
            results = gr.Dataframe(headers=["score", "post", "section", "kind", "passage"], wrap=True, label="Passages")

            def run_search(text: str, post_title: str, kind_name: str, section_part: str) -> list[list[Any]]:
                assistant = service.assistant
                chunks = assistant.version.chunks
                if text.strip():
                    vector = assistant.embedder.encode_one(text)
                    hits = assistant.retriever.search(text, vector, k=len(chunks))
                    scored = [(h.score, h.chunk) for h in hits]
                else:
                    scored = [(0.0, c) for c in chunks]
                rows = []
                for score, c in scored:
                    if (
                        (post_title not in ("all", c.title))
                        or (kind_name not in ("all", c.kind))
                        or section_part.lower() not in (c.question or c.section).lower()
                    ):
                        continue
                    rows.append([round(score, 3), c.title, c.question or c.section, c.kind, c.text])
                return rows[:50]

            search.click(run_search, [query, post, kind, section], results)
            query.submit(run_search, [query, post, kind, section], results)

        with gr.Tab("Conversations"):
            refresh = gr.Button("Refresh", elem_id="staff-refresh")
            weekly = gr.Dataframe(headers=["week", "crisis referrals"], label="Crisis referrals per week (anonymous counts)")
            crisis_list = gr.Dataframe(headers=["time", "conversation", "question", "signals"], wrap=True, label="Crisis turns to review (newest first)")
            conversations = gr.Dataframe(
                headers=["crisis", "last message", "conversation", "turns", "first question", "thumbs up", "thumbs down"],
                wrap=True,
                label="Recent conversations (crisis first)",
            )
            gr.HTML(EXPORT_FORMS)  # POSTed to /staff/export.* (web/staff_routes.py): staff session only, no file left behind
            conversation_id = gr.Textbox(label="Conversation id to open")
            turns = gr.Dataframe(headers=["time", "route", "question", "answer", "feedback", "latency ms"], wrap=True, label="Turns")

            def load_conversations() -> tuple[Any, ...]:
                store = service.store
                summaries = store.recent_conversations(100)
                rows = [
                    [
                        "CRISIS" if s.crisis_turns else "",
                        s.last_at.strftime("%Y-%m-%d %H:%M"),
                        s.conversation_id,
                        s.turns,
                        s.first_question[:200],
                        s.thumbs_up,
                        s.thumbs_down,
                    ]
                    for s in summaries
                ]
                crisis = [
                    [t.created_at.strftime("%Y-%m-%d %H:%M"), t.conversation_id, t.question[:300], ", ".join(t.signals)[:200]] for t in store.crisis_turns(100)
                ]
                return [list(w) for w in store.crisis_counts_by_week()], crisis, rows

            def open_conversation(cid: str) -> list[list[Any]]:
                feedback = {1: "up", -1: "down", None: ""}
                return [
                    [t.created_at.strftime("%H:%M:%S"), t.route, t.question, t.answer[:500], feedback.get(t.feedback, ""), round(t.latency_ms, 1)]
                    for t in service.store.turns(cid.strip())
                ]

            refresh.click(load_conversations, None, [weekly, crisis_list, conversations])
            conversation_id.submit(open_conversation, conversation_id, turns)

        with gr.Tab("Unanswered questions"):
            refresh_unanswered = gr.Button("Refresh", elem_id="staff-unanswered-refresh")
            unanswered = gr.Dataframe(
                headers=["count", "question", "similar questions"], wrap=True, label="Questions the articles did not answer: posts to write"
            )

            def load_unanswered() -> list[list[Any]]:
                turns_ = service.store.unanswered(500)
                questions = [t.question for t in turns_ if t.question.strip()]
                if not questions:
                    return []
                vectors = service.assistant.embedder.encode(questions)
                return [[n, rep, " | ".join(examples)] for n, rep, examples in group_questions(questions, vectors)]

            refresh_unanswered.click(load_unanswered, None, unanswered)

        with gr.Tab("Index"):
            summary = gr.JSON(label="Served index", elem_id="staff-index-summary")
            sources = gr.Textbox(label="Feed sources (one per line)", value="\n".join(service.sources), lines=3)
            reingest = gr.Button("Re-ingest now", variant="primary", elem_id="staff-reingest")
            status = gr.Markdown("", elem_id="staff-ingest-status")
            timer = gr.Timer(1.0, active=False)

            def index_summary() -> dict[str, Any]:
                return service.readiness()

            def start(text: str) -> tuple[Any, ...]:
                chosen = [s.strip() for s in text.splitlines() if s.strip()]
                started = service.start_reingest(chosen or None)
                return ("Re-ingest started…" if started else "A re-ingest is already running."), gr.Timer(active=True)

            def poll() -> tuple[Any, ...]:
                job = service.job
                if job.running:
                    progress = f" {job.done}/{job.total}" if job.total else ""
                    return f"Running: {job.stage}{progress}", index_summary(), gr.Timer(active=True)
                if job.error:
                    return f"**Re-ingest failed; the served index is unchanged.** {job.error}", index_summary(), gr.Timer(active=False)
                text = esc(f"Done: {job.report.summary_line()}") if job.report else ""
                if job.report and job.report.retired:  # posts gone from a complete read of their source
                    text += "\n\n**Retired (no longer on the site):**\n" + "\n".join(f"- {esc(r.title)} ({esc(r.url)})" for r in job.report.retired)
                return text, index_summary(), gr.Timer(active=False)

            reingest.click(start, sources, [status, timer])
            timer.tick(poll, None, [status, summary, timer])
            console.load(index_summary, None, summary)
            console.load(lambda: gr.Dropdown(choices=["all", *sorted({p.title for p in service.assistant.version.posts})]), None, post)
    return console
