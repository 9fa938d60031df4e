"""The staff Q&A console: ask as a patient would and see why in plain words, search the articles, review
conversations (crisis turns first, marked reviewed with who and when), see the content gaps, and update
the articles. The words and tables come from web/staff_views.py."""

from __future__ import annotations

from typing import Any

import gradio as gr

from web.render import answer_html, esc
from web.service import ChatService
from web.staff_views import GAP_COLUMNS, PASSAGE_COLUMNS, cluster, explain_html, gap_rows, gaps_csv_link, gaps_of, index_html, passage_rows, progress_text

EXPORT_FORMS = (
    "<p>Export (redacted; crisis turns flagged): "
    '<form method="post" action="/staff/export.csv" style="display:inline"><button type="submit">Export CSV</button></form> '
    '<form method="post" action="/staff/export.json" style="display:inline"><button type="submit">Export JSON</button></form></p>'
)
# a plain POST form, so that it fits the console's POST /staff/logout
LOGOUT = '<form method="post" action="/staff/logout" class="st-logout"><button type="submit">Sign out</button></form>'
HEADER = f'<div class="st-header"><h1>Soft Reboot FAQ — staff console</h1>{LOGOUT}</div>'
# Gradio's sign-in page gets neither the console's title nor its CSS or <head>, but it renders this message as HTML:
# it brings the page a title (document.title is the first <title> in the document) and a readable Login button.
SIGN_IN_MESSAGE = (
    "<title>Staff sign-in — Soft Reboot FAQ</title>"
    "<style>button.primary, .primary { background: #1f4e79 !important; border-color: #1f4e79 !important; color: #fff !important; }</style>"
    "Soft Reboot staff console: sign in with the staff credentials."
)
# Gradio names some empty-state boxes with aria-label on a plain <div>, which has no role to carry a name: give it one
STAFF_HEAD = """<script>
if (!document.title) document.title = 'Soft Reboot FAQ — staff console';
new MutationObserver(function () {
  document.querySelectorAll('div[aria-label]:not([role])').forEach(function (e) { e.setAttribute('role', 'group'); });
}).observe(document.documentElement, { childList: true, subtree: true });
</script>"""
GAP_WINDOW = 2000  # the most recent stored turns the content-gap list looks at


def staff_user(request: gr.Request | None) -> str:
    """The signed-in staff user's name (Gradio's session), for "reviewed by"."""
    return (getattr(request, "username", None) or "staff") if request is not None else "staff"


def build_staff_console(service: ChatService) -> gr.Blocks:
    with gr.Blocks(title="Soft Reboot FAQ — staff console", analytics_enabled=False) as console:
        gr.HTML(HEADER, elem_id="staff-header")
        with gr.Tab("Ask"):
            _ask_tab(service)
        with gr.Tab("Search the articles"):
            post = _search_tab(service)
        with gr.Tab("Conversations"):
            _conversations_tab(service)
        with gr.Tab("Content gaps"):
            _gaps_tab(service)
        with gr.Tab("Articles and updates"):
            _index_tab(service, console)
        console.load(lambda: gr.Dropdown(choices=["all", *sorted({p.title for p in service.assistant.version.posts})]), None, post)
    return console


def _ask_tab(service: ChatService) -> None:
    question = gr.Textbox(label="Question, as a patient would type it", elem_id="staff-question")
    ask = gr.Button("Ask", variant="primary", elem_id="staff-ask")
    with gr.Row():
        patient_view = gr.HTML("<p>What the patient would see appears here.</p>", elem_id="staff-patient-view")
        why = gr.HTML("<p>Why it answered that way appears here.</p>", elem_id="staff-why")
    passages = gr.Dataframe(headers=PASSAGE_COLUMNS, label="Passages it looked at (best first)", wrap=True, elem_id="staff-passages")

    def run_ask(text: str) -> tuple[Any, ...]:
        answer = service.assistant.safe_ask(text or "")
        return answer_html(answer), explain_html(answer), passage_rows(answer)

    ask.click(run_ask, question, [patient_view, why, passages])
    question.submit(run_ask, question, [patient_view, why, passages])


def _search_tab(service: ChatService) -> gr.Dropdown:
    with gr.Row():
        query = gr.Textbox(label="Search text", scale=3)
        post = gr.Dropdown(label="Article", choices=["all"], value="all", scale=2)
        kind = gr.Dropdown(label="Kind", choices=["all", "section", "faq", "takeaways"], value="all", scale=1)
        section = gr.Textbox(label="Section contains", scale=2)
    search = gr.Button("Search", elem_id="staff-search")
    results = gr.HTML("", elem_id="staff-search-results")

    def run_search(text: str, post_title: str, kind_name: str, section_part: str) -> str:
        assistant = service.assistant
        chunks = assistant.version.chunks
        if text.strip():
            hits = assistant.retriever.search(text, assistant.embedder.encode_one(text), k=len(chunks))
            scored = [(h.score, h.chunk) for h in hits]
        else:
            scored = [(0.0, c) for c in chunks]
        cards = []
        for score, c in scored:
            heading = c.question or c.section
            if post_title not in ("all", c.title) or kind_name not in ("all", c.kind) or section_part.lower() not in heading.lower():
                continue
            match = f" · match {score:.2f}" if text.strip() else ""
            meta = f"<p class='st-meta'>{esc(c.kind)}{match}</p>"
            cards.append(f"<article class='st-passage'><h3>{esc(c.title)} — {esc(heading)}</h3>{meta}<p>{esc(c.text)}</p></article>")
        return f"<p>{len(cards)} passage(s){', the first 50 shown' if len(cards) > 50 else ''}.</p>" + "".join(cards[:50])

    search.click(run_search, [query, post, kind, section], results)
    query.submit(run_search, [query, post, kind, section], results)
    return post


def _conversations_tab(service: ChatService) -> None:
    refresh = gr.Button("Refresh", elem_id="staff-refresh")
    weekly = gr.Dataframe(headers=["week", "crisis referrals"], label="Crisis referrals per week (anonymous counts)")
    crisis_list = gr.Dataframe(
        headers=["when", "question", "what the safety check saw", "reviewed"],
        wrap=True,
        label="Crisis turns to review, newest first (click one to open it)",
        elem_id="staff-crisis",
    )
    with gr.Row():
        mark = gr.Button("Mark the open crisis turn reviewed", elem_id="staff-mark-reviewed", interactive=False)
        marked = gr.Markdown("", elem_id="staff-mark-status")
    conversations = gr.Dataframe(
        headers=["crisis", "last message", "turns", "first question", "thumbs up", "thumbs down"],
        wrap=True,
        label="Recent conversations, crisis first (click one to open it)",
        elem_id="staff-conversations",
    )
    gr.HTML(EXPORT_FORMS)  # POSTed to /staff/export.* (web/staff_routes.py): staff session only, no file left behind
    opened = gr.HTML("<p>Click a conversation or a crisis turn above to read it here.</p>", elem_id="staff-opened")
    ids = gr.State({"crisis": [], "conversations": [], "turn": ""})

    def load() -> tuple[Any, ...]:
        return _conversation_lists(service)

    def pick_crisis(state: dict[str, Any], event: gr.SelectData) -> tuple[Any, ...]:
        row = _row(event)
        if row is None or row >= len(state["crisis"]):
            return gr.skip(), state, gr.skip()
        turn_id, conversation_id = state["crisis"][row]
        return _conversation_html(service, conversation_id, turn_id), {**state, "turn": turn_id}, gr.Button(interactive=True)

    def pick_conversation(state: dict[str, Any], event: gr.SelectData) -> Any:
        row = _row(event)
        return _conversation_html(service, state["conversations"][row]) if row is not None and row < len(state["conversations"]) else gr.skip()

    def mark_reviewed(state: dict[str, Any], request: gr.Request) -> tuple[Any, ...]:
        if not state.get("turn"):
            return "Open a crisis turn first.", *load()
        who = staff_user(request)
        service.store.mark_reviewed(state["turn"], who)
        return f"Marked reviewed by {esc(who)}.", *load()

    outputs = [weekly, crisis_list, conversations, ids, mark]
    refresh.click(load, None, outputs)
    crisis_list.select(pick_crisis, ids, [opened, ids, mark])
    conversations.select(pick_conversation, ids, opened)
    mark.click(mark_reviewed, ids, [marked, *outputs])


def _conversation_lists(service: ChatService) -> tuple[Any, ...]:
    """The Conversations tab's tables (weekly counts, crisis turns, recent conversations), the rows' ids
    for clicks, and the "mark reviewed" button disabled until a crisis turn is opened."""
    store = service.store
    summaries = store.recent_conversations(100)
    reviews = store.crisis_reviews(100)
    rows = [
        ["CRISIS" if s.crisis_turns else "", s.last_at.strftime("%Y-%m-%d %H:%M"), s.turns, s.first_question[:200], s.thumbs_up, s.thumbs_down]
        for s in summaries
    ]
    crisis = [
        [r.turn.created_at.strftime("%Y-%m-%d %H:%M"), r.turn.question[:300], ", ".join(r.turn.signals)[:200], _reviewed(r.reviewed_at, r.reviewed_by)]
        for r in reviews
    ]
    state = {"crisis": [(r.turn.id, r.turn.conversation_id) for r in reviews], "conversations": [s.conversation_id for s in summaries], "turn": ""}
    return [list(w) for w in store.crisis_counts_by_week()], crisis, rows, state, gr.Button(interactive=False)


def _conversation_html(service: ChatService, conversation_id: str, highlight: str = "") -> str:
    """One stored conversation, turn by turn, the turn `highlight` marked."""
    feedback = {1: "👍 helpful", -1: "👎 unhelpful"}
    parts = []
    for t in service.store.turns(conversation_id):
        mark_ = " st-highlight" if t.id == highlight else ""
        extra = f" · {feedback[t.feedback]}" if t.feedback in feedback else ""
        parts.append(
            f"<article class='st-turn{mark_}'><p class='st-meta'>{t.created_at.strftime('%Y-%m-%d %H:%M:%S')} · {esc(t.route)}{extra}</p>"
            f"<p><strong>Patient:</strong> {esc(t.question)}</p><details><summary>The reply</summary><p>{esc(t.answer)}</p></details></article>"
        )
    return "<h2>Conversation</h2>" + ("".join(parts) or "<p>No turns stored for this conversation.</p>")


def _row(event: gr.SelectData) -> int | None:
    """The clicked table row, or None when Gradio reports no row."""
    row = event.index[0] if isinstance(event.index, list | tuple) else event.index
    return row if isinstance(row, int) else None


def _reviewed(at: Any, by: str) -> str:
    return f"{at.strftime('%Y-%m-%d %H:%M')} by {by}" if at else "not yet"


def _gaps_tab(service: ChatService) -> None:
    gr.Markdown(
        "Questions the articles served badly, grouped by meaning: questions the assistant **declined**, answers patients "
        "**marked unhelpful**, and answers it gave with **low confidence**. The largest groups are the next articles to write."
    )
    refresh = gr.Button("Refresh", elem_id="staff-gaps-refresh")
    summary = gr.HTML("", elem_id="staff-gaps-summary")
    table = gr.Dataframe(headers=GAP_COLUMNS, wrap=True, label="Content gaps, largest groups first", elem_id="staff-gaps")

    def load() -> tuple[Any, ...]:
        assistant = service.assistant
        turns = service.store.export()[-GAP_WINDOW:]
        gaps = gaps_of(turns)
        if not gaps:
            return "<p>No content gaps in the stored conversations.</p>", []
        groups = cluster(gaps, assistant.embedder.encode([g.question for g in gaps]))
        counts = {why: sum(g.why == why for g in gaps) for why in ("declined", "marked unhelpful", "low confidence")}
        words = ", ".join(f"{n} {why}" for why, n in counts.items())
        return f"<p>{len(gaps)} questions in {len(groups)} groups ({words}). {gaps_csv_link(groups)}</p>", gap_rows(groups)

    refresh.click(load, None, [summary, table])


def _index_tab(service: ChatService, console: gr.Blocks) -> None:
    summary = gr.HTML("", elem_id="staff-index-summary")
    sources = gr.Textbox(label="Where the articles come from (one feed or site per line)", value="\n".join(service.sources), lines=3)
    reingest = gr.Button("Update the articles now", variant="primary", elem_id="staff-reingest")
    status = gr.Markdown("", elem_id="staff-ingest-status")
    timer = gr.Timer(1.0, active=False)

    def start(text: str) -> tuple[Any, ...]:
        chosen = [s.strip() for s in text.splitlines() if s.strip()]
        started = service.start_reingest(chosen or None)
        return ("Update started…" if started else "An update is already running."), gr.Timer(active=True)

    def poll() -> tuple[Any, ...]:
        job = service.job
        if job.running:
            return progress_text(job.stage, job.done, job.total), index_html(service.readiness()), gr.Timer(active=True)
        if job.error:
            return f"**The update failed; the assistant still uses the previous version.** {job.error}", index_html(service.readiness()), gr.Timer(active=False)
        text = esc(f"Done: {job.report.summary_line()}") if job.report else ""
        if job.report and job.report.retired:  # posts gone from a complete read of their source
            text += "\n\n**Retired (no longer on the site):**\n" + "\n".join(f"- {esc(r.title)} ({esc(r.url)})" for r in job.report.retired)
        return text, index_html(service.readiness()), gr.Timer(active=False)

    reingest.click(start, sources, [status, timer])
    timer.tick(poll, None, [status, summary, timer])
    console.load(lambda: index_html(service.readiness()), None, summary)
