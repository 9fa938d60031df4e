"""The patient chat that the clinic's website embeds.

Built from gr.Blocks + gr.Chatbot + Textbox.submit rather than gr.ChatInterface: the latter's
browser-storage component reads localStorage, which Chromium denies to third-party iframes, so
it never loads when the clinic's site and the assistant are on different sites (the real case).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from chatbot.safety import messages as m
from chatbot.types import SAFETY, Message
from web.render import answer_html, contact_line_html, crisis_banner_html, outage_html, talk_to_person_html, user_html
from web.service import ChatService, new_conversation_id

EXAMPLES = (
    "How many infusions will I need?",
    "Do I need someone to drive me home after an infusion?",
    "What is stellate ganglion block (SGB)?",
    "How should I prepare for my first session?",
)
_SENTENCE_END = re.compile(r"(?<=[.!?\]])\s+")
_TAG = re.compile(r"<[^>]+>")
CHAT_JS = Path(__file__).resolve().parent / "static" / "chat.js"


@dataclass
class ChatState:
    conversation_id: str = field(default_factory=new_conversation_id)
    history: list[Message] = field(default_factory=list)
    turn_ids: dict[int, str] = field(default_factory=dict)  # chat message index -> stored turn id
    crisis: bool = False

    @classmethod
    def from_messages(cls, messages: list[dict[str, Any]]) -> ChatState:
        """A state for a conversation the browser still shows but the server no longer knows (it restarted):
        the history as text, for follow-up questions, and whether a crisis card was shown (which only ever
        adds the card to later replies). Feedback on the earlier replies is not linked to their stored turns."""
        st = cls()
        for message in messages:
            content = _content_text(message.get("content"))
            st.crisis = st.crisis or 'class="sr-crisis' in content
            body = re.search(r'<div class="sr-(?:user|body)">(.*?)</div>', content, re.S)
            text = html.unescape(_TAG.sub(" ", body.group(1) if body else content)).strip()
            if message.get("role") in ("user", "assistant") and text:
                st.history.append(Message(role=message["role"], content=re.sub(r"\s+", " ", text)))
        return st


MAX_RESTORED_MESSAGES = 200  # a conversation longer than this is not restored (a patient's chat is a few dozen)
MAX_RESTORED_CHARS = 500_000  # the saved JSON's size limit, well under sessionStorage's ~5 MB per origin


def restored_conversation(saved: str) -> tuple[list[dict[str, str]], str]:
    """The (messages, unsent question) that static/chat.js kept in the tab's sessionStorage before Gradio reloaded
    the page (it reloads after any broken connection: a server restart, a proxy dropping the stream).

    `saved` is that JSON, `{"messages": [{"role", "content"}...], "draft": str}`; anything else (empty, too large,
    not that shape) restores nothing: ([], ""). A content may be Gradio's list of blocks (`[{"type": "text", "text": …}]`);
    it comes back as one string. Contents are shown through the chat's HTML sanitizer as before."""
    if not saved or len(saved) > MAX_RESTORED_CHARS:
        return [], ""
    try:
        data = json.loads(saved)
    except ValueError:
        return [], ""
    if not isinstance(data, dict):
        return [], ""
    raw = data.get("messages")
    messages = [
        {"role": str(x["role"]), "content": _content_text(x.get("content"))}
        for x in (raw if isinstance(raw, list) else [])
        if isinstance(x, dict) and x.get("role") in ("user", "assistant") and _content_text(x.get("content"))
    ]
    draft = data.get("draft")
    return messages if len(messages) <= MAX_RESTORED_MESSAGES else [], draft if isinstance(draft, str) else ""


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    if isinstance(content, list):
        return " ".join(_content_text(c) for c in content)
    return ""


def patient_head() -> str:
    """The chat page's <head> addition: its texts (from chatbot/safety/messages.py) and static/chat.js."""
    texts = {
        "outage_html": outage_html(),
        "back_html": "The assistant is reachable again. You can send your message.",
        "outage_short": m.OUTAGE,
        "bot_label": "Assistant's reply",
        "user_label": "Your message",
    }
    data = json.dumps(texts).replace("</", "<\\/")
    return f"<script>window.SR_TEXT = {data};</script>\n<script>{CHAT_JS.read_text(encoding='utf-8')}</script>"


def client_of(request: gr.Request | None) -> str:
    """The client's address (uvicorn has already applied X-Forwarded-For from trusted proxies only)."""
    return request.client.host if request is not None and request.client else "unknown"


def build_patient_chat(service: ChatService, max_chars: int | None = None) -> gr.Blocks:
    """The patient chat; the question box takes `max_chars` characters (default: the assistant's own limit)."""
    max_chars = max_chars or service.assistant.config.max_question_chars
    with gr.Blocks(title=f"{m.CLINIC_NAME} — questions", analytics_enabled=False) as chat:
        gr.HTML(
            f'<header class="sr-header"><h1>Questions for {m.CLINIC_NAME}</h1><p>{m.AI_DISCLOSURE}</p>{contact_line_html()}</header>'
            '<div id="sr-alert" class="sr-visually-hidden" role="alert"></div>',
            elem_id="sr-header",
        )
        banner = gr.HTML("", elem_id="sr-crisis-banner")
        chatbot = gr.Chatbot(
            label="Conversation",
            elem_id="sr-chat",
            height=460,
            sanitize_html=True,
            render_markdown=True,
            feedback_options=("Like", "Dislike"),
            placeholder="Ask about IV ketamine, ketamine-assisted psychotherapy, SGB, or what to expect.",
            group_consecutive_messages=False,
            buttons=[],
            autoscroll=False,  # static/chat.js scrolls to the START of each new reply, not to the bottom
        )
        box = gr.Textbox(label="Your question", placeholder="Type your question…", max_length=max_chars, lines=1, submit_btn="Send", elem_id="sr-input")
        talk = gr.Button("Talk to a person", elem_id="sr-talk", variant="secondary")
        with gr.Row():
            examples = [gr.Button(q, size="sm", elem_classes=["sr-example"]) for q in EXAMPLES]
        state = gr.State(None)  # a ChatState per browser session, created on first use

        def respond(message: str, messages: list[dict[str, Any]], st: ChatState | None, request: gr.Request) -> Iterator[tuple[Any, ...]]:
            st = st or ChatState.from_messages(messages)
            message = message or ""
            messages = [*messages, {"role": "user", "content": user_html(message)}]
            banner_now = crisis_banner_html() if st.crisis else ""
            yield "", messages, st, banner_now  # the question moves into the conversation at once
            answer, turn_id = service.ask(message, st.history, st.conversation_id, client_of(request), surface="chat")
            st.history += [Message(role="user", content=message), Message(role="assistant", content=answer.text)]
            st.crisis = st.crisis or answer.crisis_resources
            top = crisis_banner_html() if st.crisis else ""  # the full card is in the reply itself
            index = len(messages)
            st.turn_ids[index] = turn_id
            # stream the reply sentence by sentence; the crisis card and the disclaimer are there from the first frame.
            # The question box is left alone (gr.skip): a next question typed while this reply streams is kept.
            pieces = _SENTENCE_END.split(answer.body) if answer.route not in SAFETY else [answer.body]
            shown = ""
            for piece in pieces:
                shown = f"{shown} {piece}".strip()
                yield gr.skip(), [*messages, {"role": "assistant", "content": answer_html(answer, body=shown)}], st, top
            yield gr.skip(), [*messages, {"role": "assistant", "content": answer_html(answer)}], st, top

        def talk_to_person(messages: list[dict[str, Any]], st: ChatState | None) -> tuple[Any, ...]:
            return [*messages, {"role": "assistant", "content": talk_to_person_html()}], st or ChatState.from_messages(messages)

        def on_like(st: ChatState | None, data: gr.LikeData) -> None:
            if st is None:
                return
            index = data.index if isinstance(data.index, int) else data.index[0]
            service.feedback(st.turn_ids.get(index, ""), bool(data.liked is True or data.liked == "Like"))

        outputs = [box, chatbot, state, banner]
        # always_last: a question sent while a reply is still streaming waits its turn instead of being dropped
        box.submit(respond, [box, chatbot, state], outputs, concurrency_limit=None, api_name="respond", trigger_mode="always_last")
        for button, question in zip(examples, EXAMPLES, strict=True):
            button.click(lambda q=question: q, None, box, api_visibility="private").then(
                respond, [box, chatbot, state], outputs, concurrency_limit=None, api_visibility="private"
            )
        talk.click(talk_to_person, [chatbot, state], [chatbot, state])
        chatbot.like(on_like, [state], None)
        _keep_across_reloads(chat, chatbot, box, state, banner)
    return chat


def _keep_across_reloads(chat: gr.Blocks, chatbot: gr.Chatbot, box: gr.Textbox, state: gr.State, banner: gr.HTML) -> None:
    """Gradio reloads the page once the server answers again after a broken connection, and its reload wiped the
    conversation. static/chat.js keeps the conversation and the unsent question in the tab's sessionStorage (gone
    when the tab closes: on a shared computer, nothing of a patient's chat outlives the tab); the page's load
    event puts them back, with a state rebuilt from them (the crisis banner too, when a card was shown)."""
    saved = gr.Textbox(visible=False)
    chatbot.change(None, [chatbot], None, js="(messages) => { window.__srSave && window.__srSave(messages); }", api_visibility="private")

    def restore(data: str) -> tuple[Any, ...]:
        messages, draft = restored_conversation(data)
        if not messages:
            return gr.skip(), gr.skip(), gr.skip(), draft or gr.skip()
        st = ChatState.from_messages(messages)
        return messages, st, crisis_banner_html() if st.crisis else "", draft or gr.skip()

    chat.load(restore, [saved], [chatbot, state, banner, box], js="() => (window.__srRestore ? window.__srRestore() : '')", api_visibility="private")
